// Pure: a plan and a backend → the exact ffmpeg argument list for one packaging run. One process
// per job: one decode, `split` into the rungs, every rendition and the audio written by one hls
// muxer through `var_stream_map`. Unit tests pin it; nothing else builds packaging args.
import { AUDIO_RENDITION, ffmpegSegmentPattern, INIT_SEGMENT, MEDIA_PLAYLIST } from "@edgestream/contracts";
import { encoderArgs, hwInputArgs, scaleFilter, uploadFilters, type Backend, type HwDeviceOptions } from "./hw-backends.ts";
import { inputArgs } from "./input-policy.ts";
import type { PackagePlan, VideoPlan } from "./plan.ts";


export interface ArgsOptions extends HwDeviceOptions {
  backend?: Backend;
}

/** Codecs a device decoder handles in 4:2:0; anything else is decoded on the CPU and uploaded. */
const DEVICE_DECODABLE = new Set(["h264", "hevc", "vp9", "av1", "mpeg2video"]);

/**
 * Whether decode, scale and encode can all stay on the device. Tone mapping and rotation are CPU
 * filters (ffmpeg 5.1 has no portable device equivalents), and exotic inputs are not decodable
 * on most devices, so those sources are decoded on the CPU and uploaded once, before the split.
 */
export function canRunFullDevice(video: VideoPlan, codec: string, chroma: string): boolean {
  return !video.toneMap && video.rotation === 0 && DEVICE_DECODABLE.has(codec) && chroma === "420";
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

  const args = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1"];
  args.push(...hwInputArgs(backend, fullDevice, options), ...inputArgs(source.format, { trusted: source.trusted ?? false }), "-i", input);

  const maps: string[] = [];
  const codecs: string[] = [];
  if (video) {
    if (encoded.length > 0) args.push("-filter_complex", filterGraph(video, backend, fullDevice));
    const gop = Math.round(video.fps * plan.segmentSeconds);
    let label = 0;
    video.renditions.forEach((rung, i) => {
      if (rung.mode === "copy") {
        maps.push("-map", "0:v:0");
        codecs.push(`-c:v:${i}`, "copy");
      } else {
        maps.push("-map", `[v${label++}]`);
        codecs.push(...encoderArgs(backend, i, rung.maxBitrateKbps, plan.segmentSeconds, gop));
      }
    });
  }
  if (plan.audio) {
    maps.push("-map", "0:a:0");
    if (plan.audio.mode === "copy") codecs.push("-c:a", "copy");
    else codecs.push("-c:a", "aac", "-b:a", `${plan.audio.bitrateKbps}k`, "-ac", String(plan.audio.channels), "-ar", String(plan.audio.sampleRate));
  }
  args.push(...maps, ...codecs, "-max_muxing_queue_size", "4096");

  const fmp4 = plan.segmentType === "fmp4";
  args.push(
    "-f", "hls",
    "-hls_time", String(plan.segmentSeconds),
    "-hls_playlist_type", "vod",
    "-hls_segment_type", fmp4 ? "fmp4" : "mpegts",
    ...(fmp4 ? ["-hls_fmp4_init_filename", INIT_SEGMENT] : []),
    "-hls_flags", "independent_segments+temp_file",
    "-hls_segment_filename", `${outDir}/%v/${ffmpegSegmentPattern(fmp4 ? "m4s" : "ts")}`,
    "-var_stream_map", varStreamMap(plan),
    `${outDir}/%v/${MEDIA_PLAYLIST}`,
  );
  return args;
}

/** `[0:v:0] pre-filters, split → one scaler per encoded rung → [v0] [v1] …` */
function filterGraph(video: VideoPlan, backend: Backend, fullDevice: boolean): string {
  const encoded = video.renditions.filter((r) => r.mode === "transcode");
  const pre: string[] = [];
  if (video.forceConstantRate) pre.push(`fps=${video.frameRate}`);
  if (video.toneMap) pre.push(toneMapFilter(video.toneMap));
  pre.push(...uploadFilters(backend, fullDevice));
  const scalers = encoded.map((r) => scaleFilter(backend, r.width, r.height));
  if (encoded.length === 1) return `[0:v:0]${[...pre, scalers[0]!].join(",")}[v0]`;
  const split = `split=${encoded.length}${encoded.map((_, i) => `[s${i}]`).join("")}`;
  return [`[0:v:0]${[...pre, split].join(",")}`, ...scalers.map((f, i) => `[s${i}]${f}[v${i}]`)].join(";");
}

/** HDR → SDR BT.709: linearise, map primaries, Hable curve, back to BT.709 limited range (zscale/zimg). */
export function toneMapFilter(t: NonNullable<VideoPlan["toneMap"]>): string {
  const tin = t.transfer === "pq" ? "smpte2084" : "arib-std-b67";
  return [
    `zscale=tin=${tin}:min=${t.matrix}:pin=${t.primaries}:t=linear:npl=100`,
    "format=gbrpf32le",
    "zscale=p=bt709",
    "tonemap=tonemap=hable:desat=0",
    "zscale=t=bt709:m=bt709:r=tv",
    "format=yuv420p",
  ].join(",");
}

function varStreamMap(plan: PackagePlan): string {
  const group = plan.video && plan.audio ? ",agroup:audio" : "";
  const entries = (plan.video?.renditions ?? []).map((r, i) => `v:${i}${group},name:${r.name}`);
  if (plan.audio) entries.push(`a:0${group},name:${AUDIO_RENDITION}`);
  return entries.join(" ");
}
