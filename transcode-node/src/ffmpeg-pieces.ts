// Pure: the pieces every encode of ours is assembled from — a packaging job (ffmpeg-args.ts) and an
// on-demand session's run (sessions/session-args.ts) — so both read sources the same guarded way,
// pre-process video the same way (constant rate, HDR → SDR tone mapping, device upload) and write HLS
// with the same muxer options. Each builder adds only what is its own (the job's split ladder and
// var_stream_map, the session's seek and segment numbering).
import { hwInputArgs, uploadFilters, type Backend, type HwDeviceOptions } from "./hw-backends.ts";
import { inputArgs } from "./input-policy.ts";
import type { VideoPlan } from "./plan.ts";

/** Quiet, overwrite, machine-readable progress on stdout (ffmpeg-process.ts reads it). */
export const FFMPEG_HEADER: readonly string[] = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1"];

export interface InputSpec {
  input: string;
  backend: Backend;
  /** Decode on the device and keep frames there (ffmpeg-args.ts canRunFullDevice). */
  fullDevice: boolean;
  device?: HwDeviceOptions;
  /** The probed demuxer, passed with -f so ffmpeg does not detect the format again. */
  format?: string;
  /** The operator's own input (CLI --allow-playlist-input): no allow-lists. */
  trusted?: boolean;
  /** Input seek in seconds (a session run starting mid-source). */
  seekSec?: number;
}

/** Everything up to and including `-i <input>`: device setup, seek, the input allow-lists and -f. */
export function inputSection(s: InputSpec): string[] {
  return [
    ...hwInputArgs(s.backend, s.fullDevice, s.device),
    ...(s.seekSec ? ["-ss", String(s.seekSec)] : []),
    ...inputArgs(s.format, { trusted: s.trusted ?? false }),
    "-i", s.input,
  ];
}

export type VideoPre = Pick<VideoPlan, "toneMap" | "forceConstantRate" | "frameRate" | "deinterlace">;

/** The filters before scaling, once per decode: deinterlacing, constant rate, tone mapping, then the upload to the device. */
export function preFilters(video: VideoPre, backend: Backend, fullDevice: boolean): string[] {
  const pre: string[] = [];
  if (video.deinterlace) pre.push(DEINTERLACE_FILTER);
  if (video.forceConstantRate) pre.push(`fps=${video.frameRate}`);
  if (video.toneMap) pre.push(toneMapFilter(video.toneMap));
  pre.push(...uploadFilters(backend, fullDevice));
  return pre;
}

/**
 * Fields → frames on the CPU, before the rate filter and scaling (scaling a field-interleaved frame
 * smears the fields into combing): bwdif, one frame per frame (the source's frame rate), field
 * order from the stream, and only frames flagged interlaced are touched.
 */
export const DEINTERLACE_FILTER = "bwdif=mode=send_frame:parity=auto:deint=interlaced";

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

/** AAC for every player: the one audio encode. */
/** AAC encoder options; with `stream`, for that audio output stream only (`-c:a:1`, `-ac:a:1`…). */
export function aacArgs(kbps: number, channels: number, sampleRate: number, stream?: number): string[] {
  const at = stream === undefined ? "" : `:${stream}`;
  const ac = stream === undefined ? "-ac" : `-ac:a${at}`;
  const ar = stream === undefined ? "-ar" : `-ar:a${at}`;
  return [`-c:a${at}`, "aac", `-b:a${at}`, `${kbps}k`, ac, String(channels), ar, String(sampleRate)];
}

export interface HlsMuxer {
  segmentSeconds: number;
  playlistType: "vod" | "event";
  segmentType: "fmp4" | "ts";
  /** The fMP4 init segment's file name (fmp4 only). */
  initFilename?: string;
}

/**
 * The HLS muxer up to its flags: segments on the grid, keyframe-aligned (independent_segments), and
 * written as `.tmp` then renamed (temp_file), so a segment file that exists is a finished one.
 */
export function hlsMuxerArgs(m: HlsMuxer): string[] {
  const fmp4 = m.segmentType === "fmp4";
  return [
    "-f", "hls",
    "-hls_time", String(m.segmentSeconds),
    "-hls_playlist_type", m.playlistType,
    "-hls_segment_type", fmp4 ? "fmp4" : "mpegts",
    ...(fmp4 && m.initFilename ? ["-hls_fmp4_init_filename", m.initFilename] : []),
    "-hls_flags", "independent_segments+temp_file",
  ];
}
