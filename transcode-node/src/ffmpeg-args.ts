// Pure: a plan and a backend → the exact ffmpeg argument list for one packaging run. One process
// per job: one decode, `split` into the rungs, every rendition and the audio written by one hls
// muxer through `var_stream_map`. Unit tests pin it; nothing else builds packaging args. Input,
// pre-filters (tone mapping), audio and muxer options are the pieces sessions share (ffmpeg-pieces.ts).
import { ffmpegSegmentPattern, INIT_SEGMENT, MEDIA_PLAYLIST, SUBTITLE_FILE } from "@edgestream/contracts";
import { audioTracksOf } from "./audio-tracks.ts";
import { aacArgs, FFMPEG_HEADER, hlsMuxerArgs, inputSection, preFilters } from "./ffmpeg-pieces.ts";
import { encoderArgs, scaleFilter, type Backend, type HwDeviceOptions } from "./hw-backends.ts";
import type { PackagePlan, VideoPlan } from "./plan.ts";
import { forcedKeyframes } from "./rung-alignment.ts";


export interface ArgsOptions extends HwDeviceOptions {
  backend?: Backend;
}

/** Codecs a device decoder handles in 4:2:0; anything else is decoded on the CPU and uploaded. */
const DEVICE_DECODABLE = new Set(["h264", "hevc", "vp9", "av1", "mpeg2video"]);

/**
 * Whether decode, scale and encode can all stay on the device. Tone mapping, deinterlacing and
 * rotation are CPU filters (ffmpeg 5.1 has no portable device equivalents), and exotic inputs are
 * not decodable on most devices (ProRes, DNxHD, 4:2:2 or 4:4:4, H.264 High 10), so those sources
 * are decoded on the CPU and uploaded once, before the split.
 */
export function canRunFullDevice(video: VideoPlan, codec: string, chroma: string): boolean {
  return !video.toneMap && !video.deinterlace && !(video.highBitDepth && codec === "h264") && video.rotation === 0 && DEVICE_DECODABLE.has(codec) && chroma === "420";
}

export interface SourceTraits {
  codec: string;
  chroma: string;
  /** The probed demuxer, passed with -f so ffmpeg does not detect the format again. */
  format?: string;
  /** The operator's own input (CLI --allow-playlist-input): no allow-lists. */
  trusted?: boolean;
}

export function buildPackageArgs(
  input: string,
  outDir: string,
  plan: PackagePlan,
  options: ArgsOptions = {},
  source: SourceTraits = { codec: "h264", chroma: "420" },
): string[] {
  if (!plan.video && !plan.audio) throw new Error("nothing to package: the plan has neither video nor audio");
  const video = plan.video;
  const encoded = video?.renditions.filter((r) => r.mode === "transcode") ?? [];
  // A plan that only copies encodes nothing: the backend does not matter, so it is not used.
  const backend: Backend = encoded.length > 0 ? (options.backend ?? "software") : "software";
  const fullDevice = video ? canRunFullDevice(video, source.codec, source.chroma) : false;

  const args = [...FFMPEG_HEADER];
  args.push(...inputSection({ input, backend, fullDevice, device: options, ...(source.format ? { format: source.format } : {}), trusted: source.trusted ?? false }));

  const maps: string[] = [];
  const codecs: string[] = [];
  if (video) {
    if (encoded.length > 0) args.push("-filter_complex", filterGraph(video, backend, fullDevice));
    const gop = Math.round(video.fps * plan.segmentSeconds);
    const forced = forcedKeyframes(video);
    let label = 0;
    video.renditions.forEach((rung, i) => {
      if (rung.mode === "copy") {
        maps.push("-map", "0:v:0");
        codecs.push(`-c:v:${i}`, "copy");
      } else {
        maps.push("-map", `[v${label++}]`);
        codecs.push(...encoderArgs(backend, i, rung.maxBitrateKbps, plan.segmentSeconds, gop, forced));
      }
    });
  }
  const audio = audioArgs(plan, source.format === "mpegts");
  args.push(...maps, ...audio.maps, ...codecs, ...audio.codecs, "-max_muxing_queue_size", "4096");

  const fmp4 = plan.segmentType === "fmp4";
  args.push(
    ...hlsMuxerArgs({ segmentSeconds: plan.segmentSeconds, playlistType: "vod", segmentType: plan.segmentType, initFilename: INIT_SEGMENT }),
    "-hls_segment_filename", `${outDir}/%v/${ffmpegSegmentPattern(fmp4 ? "m4s" : "ts")}`,
    "-var_stream_map", varStreamMap(plan),
    `${outDir}/%v/${MEDIA_PLAYLIST}`,
    ...subtitleOutputs(outDir, plan),
  );
  return args;
}

/** Every audio rendition of the plan: one output stream each (a surround source stream is mapped twice). */
function audioArgs(plan: PackagePlan, adts: boolean): { maps: string[]; codecs: string[] } {
  const tracks = audioTracksOf(plan);
  const maps = tracks.flatMap((t) => ["-map", t.sourceIndex === undefined ? "0:a:0" : `0:${t.sourceIndex}`]);
  // One track keeps the arguments it always had; several are set per output stream (`-c:a:1`).
  const codecs = tracks.flatMap((t, i) => {
    const stream = tracks.length === 1 ? undefined : i;
    const spec = stream === undefined ? "a" : `a:${stream}`;
    // AAC read from MPEG-TS is ADTS: an MP4 box cannot hold it as it is (ffmpeg: "Malformed AAC bitstream").
    if (t.encode.mode === "copy") return [`-c:${spec}`, "copy", ...(adts && t.encode.codecs.startsWith("mp4a.") ? [`-bsf:${spec}`, "aac_adtstoasc"] : [])];
    return aacArgs(t.encode.bitrateKbps, t.encode.channels, t.encode.sampleRate, stream);
  });
  return { maps, codecs };
}

/** Each text subtitle stream as one WebVTT file (`subs_N/subtitles.vtt`), extra outputs of the same run. */
function subtitleOutputs(outDir: string, plan: PackagePlan): string[] {
  // WebVTT is copied: its cue settings (line, align) do not survive a decode.
  return (plan.subtitles ?? []).flatMap((s) => ["-map", `0:${s.sourceIndex}`, "-c:s", s.codec === "webvtt" ? "copy" : "webvtt", "-f", "webvtt", `${outDir}/${s.name}/${SUBTITLE_FILE}`]);
}

/** `[0:v:0] pre-filters, split → one scaler per encoded rung → [v0] [v1] …` */
function filterGraph(video: VideoPlan, backend: Backend, fullDevice: boolean): string {
  const encoded = video.renditions.filter((r) => r.mode === "transcode");
  const pre = preFilters(video, backend, fullDevice);
  const scalers = encoded.map((r) => scaleFilter(backend, r.width, r.height));
  if (encoded.length === 1) return `[0:v:0]${[...pre, scalers[0]!].join(",")}[v0]`;
  const split = `split=${encoded.length}${encoded.map((_, i) => `[s${i}]`).join("")}`;
  return [`[0:v:0]${[...pre, split].join(",")}`, ...scalers.map((f, i) => `[s${i}]${f}[v${i}]`)].join(";");
}

function varStreamMap(plan: PackagePlan): string {
  const group = plan.video && plan.audio ? ",agroup:audio" : "";
  const entries = (plan.video?.renditions ?? []).map((r, i) => `v:${i}${group},name:${r.name}`);
  audioTracksOf(plan).forEach((t, i) => entries.push(`a:${i}${group},name:${t.name}`));
  return entries.join(" ");
}
