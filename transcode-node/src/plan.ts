// Decides, from a probe, what to copy and what to transcode, and the ABR ladder. Pure: no I/O,
// pinned by unit tests. Hardware does not change the plan, only how it is carried out.
import type { AudioStreamInfo, HdrTransfer, MediaInfo, VideoStreamInfo } from "./media-info.ts";

export type SegmentType = "fmp4" | "ts";

export interface Rendition {
  /** Folder and playlist name, e.g. "720p". */
  name: string;
  /** "copy" only for the top rung of a browser-safe source at its own size. */
  mode: "copy" | "transcode";
  width: number;
  height: number;
  /** Peak video bitrate the encoder may use (kb/s); average is lower. 0 for copy. */
  maxBitrateKbps: number;
}

export interface VideoPlan {
  /** Upright size of the source (after rotation). */
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  /** Constant output frame rate as ffmpeg takes it ("30", "30000/1001") and as a number. */
  frameRate: string;
  fps: number;
  /** Set when the source is VFR (or has no usable rate): an fps filter makes the output constant. */
  forceConstantRate: boolean;
  /** HDR sources are tone-mapped to SDR BT.709 on the CPU before scaling. */
  toneMap: { transfer: HdrTransfer; primaries: string; matrix: string } | null;
  /** Interlaced sources are deinterlaced (one frame per frame) before anything else. */
  deinterlace?: boolean;
  /** 10-bit (or more) sources must become 8-bit 4:2:0 for H.264 High. */
  highBitDepth: boolean;
  /** Why the top rung is transcoded; absent when it is copied. */
  reason?: string;
  renditions: Rendition[];
}

export type AudioPlan =
  | { mode: "copy"; codecs: string; channels: number }
  | { mode: "transcode"; codecs: "mp4a.40.2"; bitrateKbps: number; channels: 2; sampleRate: 48000; reason: string };

export interface PackagePlan {
  video: VideoPlan | null;
  audio: AudioPlan | null;
  segmentSeconds: number;
  segmentType: SegmentType;
}

export interface PlanOptions {
  segmentSeconds?: number;
  segmentType?: SegmentType;
  /** Rung heights, e.g. [1080, 720, 480, 360]; the first is also the largest output height. */
  ladder?: readonly number[];
  /** Largest output width (default 1920). */
  maxWidth?: number;
}

export const DEFAULT_LADDER: readonly number[] = [1080, 720, 480, 360];
const BROWSER_SAFE_PIX_FMTS = new Set(["yuv420p", "yuvj420p"]);
const SAFE_AAC_PROFILES: Record<string, string> = { LC: "mp4a.40.2", "HE-AAC": "mp4a.40.5", "HE-AACv2": "mp4a.40.29" };
/** Rates a player expects; a VFR source gets the nearest one. */
const STANDARD_RATES: [string, number][] = [
  ["24000/1001", 24000 / 1001], ["24", 24], ["25", 25], ["30000/1001", 30000 / 1001], ["30", 30],
  ["50", 50], ["60000/1001", 60000 / 1001], ["60", 60],
];

export function planPackage(info: MediaInfo, options: PlanOptions = {}): PackagePlan {
  const segmentSeconds = options.segmentSeconds ?? 4;
  if (!(segmentSeconds >= 1 && segmentSeconds <= 30)) throw new RangeError("segment duration must be 1-30 seconds");
  const ladder = normaliseLadder(options.ladder ?? DEFAULT_LADDER);
  return {
    video: info.video ? planVideo(info.video, ladder, options.maxWidth ?? 1920, info) : null,
    audio: info.audio ? planAudio(info.audio) : null,
    segmentSeconds,
    segmentType: options.segmentType ?? "fmp4",
  };
}

export function normaliseLadder(ladder: readonly number[]): number[] {
  const rungs = [...new Set(ladder)].sort((a, b) => b - a);
  if (rungs.length === 0 || rungs.some((h) => !Number.isInteger(h) || h < 16 || h > 4320)) {
    throw new RangeError("ladder must list rung heights, whole numbers from 16 to 4320");
  }
  return rungs;
}

function planVideo(v: VideoStreamInfo, ladder: number[], maxWidth: number, info: MediaInfo): VideoPlan {
  const rotated = v.rotation === 90 || v.rotation === 270;
  const [displayWidth, displayHeight] = rotated ? [v.height, v.width] : [v.width, v.height];
  const top = fitWithin(displayWidth, displayHeight, maxWidth, ladder[0]!);
  const { frameRate, fps, forceConstantRate } = outputRate(v);
  const reason = whyTranscodeVideo(v) ?? (top.width !== displayWidth || top.height !== displayHeight ? "larger than the top rung" : undefined);

  // Never above the source: lower rungs only, and no rung's ceiling above the source's own bitrate.
  const sourceKbps = sourceVideoKbps(v, info);
  const cap = (kbps: number) => (sourceKbps ? Math.max(100, Math.min(kbps, sourceKbps)) : kbps);
  const rateScale = fps > 32 ? 1.5 : 1;
  const renditions: Rendition[] = [
    reason
      ? { name: `${top.height}p`, mode: "transcode", ...top, maxBitrateKbps: cap(Math.round(bitrateFor(top.height) * rateScale)) }
      : { name: `${top.height}p`, mode: "copy", ...top, maxBitrateKbps: 0 },
  ];
  for (const height of ladder) {
    if (height >= top.height) continue;
    const width = Math.max(2, Math.round((top.width * height) / top.height / 2) * 2);
    renditions.push({ name: `${height}p`, mode: "transcode", width, height, maxBitrateKbps: cap(Math.round(bitrateFor(height) * rateScale)) });
  }

  const plan: VideoPlan = {
    displayWidth,
    displayHeight,
    rotation: v.rotation,
    frameRate,
    fps,
    forceConstantRate,
    toneMap: v.hdr ? { transfer: v.hdr, primaries: v.colorPrimaries ?? "bt2020", matrix: v.colorSpace ?? "bt2020nc" } : null,
    highBitDepth: v.bitDepth > 8,
    renditions,
  };
  if (v.interlaced) plan.deinterlace = true;
  if (reason) plan.reason = reason;
  return plan;
}

function whyTranscodeVideo(v: VideoStreamInfo): string | undefined {
  if (v.codec !== "h264") return `${v.codec} video is not playable in every browser`;
  if (v.bitDepth !== 8 || !BROWSER_SAFE_PIX_FMTS.has(v.pixFmt ?? "")) return `${v.pixFmt ?? "unknown"} H.264 is not browser-safe`;
  if (v.hdr) return `HDR (${v.hdr}) is tone-mapped to SDR`;
  if (v.interlaced) return "interlaced (players show progressive frames)";
  if (v.rotation !== 0) return `rotated ${v.rotation}° (players ignore the display matrix)`;
  if (v.vfr) return "variable frame rate (segments need a constant rate)";
  if (v.width % 2 || v.height % 2) return `odd picture size ${v.width}x${v.height}`;
  return undefined;
}

function outputRate(v: VideoStreamInfo): { frameRate: string; fps: number; forceConstantRate: boolean } {
  const rate = v.frameRate > 0 ? v.frameRate : 30;
  const unusable = v.frameRate <= 0 || v.frameRate > 60.5;
  const target = unusable ? Math.min(rate, 60) : rate;
  const nearest = STANDARD_RATES.reduce((best, r) => (Math.abs(r[1] - target) < Math.abs(best[1] - target) ? r : best));
  const forceConstantRate = v.vfr || unusable;
  if (forceConstantRate || Math.abs(nearest[1] - rate) / rate < 0.001) return { frameRate: nearest[0], fps: nearest[1], forceConstantRate };
  // An unusual but constant rate (e.g. 15 fps) is kept as it is.
  const rounded = Math.round(rate * 1000) / 1000;
  return { frameRate: String(rounded), fps: rounded, forceConstantRate: false };
}

function sourceVideoKbps(v: VideoStreamInfo, info: MediaInfo): number | undefined {
  const bps = v.bitRate ?? (info.bitRate ? info.bitRate - (info.audio?.bitRate ?? 0) : undefined);
  return bps && bps > 0 ? Math.round(bps / 1000) : undefined;
}

function planAudio(a: AudioStreamInfo): AudioPlan {
  const codecs = a.codec === "aac" ? SAFE_AAC_PROFILES[a.profile ?? "LC"] : undefined;
  if (codecs && a.channels > 0 && a.channels <= 2) return { mode: "copy", codecs, channels: a.channels };
  const reason =
    a.codec !== "aac"
      ? `${a.codec} audio is not playable in every browser`
      : a.channels > 2
        ? `${a.channels}-channel AAC is downmixed to stereo`
        : `AAC ${a.profile ?? "unknown"} profile is not browser-safe`;
  return { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason };
}

/** Scales down to fit, keeping the aspect ratio; both sides even (H.264 4:2:0 needs it). */
export function fitWithin(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/** A sane ceiling for H.264 at this height and up to 30 fps (roughly Apple's HLS authoring guidance). */
export function bitrateFor(height: number): number {
  if (height <= 240) return 400;
  if (height <= 360) return 800;
  if (height <= 480) return 1400;
  if (height <= 720) return 2800;
  return 5000;
}
