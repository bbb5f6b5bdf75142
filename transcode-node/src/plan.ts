// Decides, from a probe, what to copy and what to transcode, and the ABR ladder. Pure: no I/O,
// pinned by unit tests. Hardware does not change the plan, only how it is carried out.
import { limitAudioStreams, planAudioTracks, type AudioTrackPlan } from "./audio-tracks.ts";
import type { CutPlan } from "./keyframes.ts";
import type { HdrTransfer, MediaInfo, VideoStreamInfo } from "./media-info.ts";
import { planSubtitles, type SubtitlePlan } from "./subtitles/subtitle-plan.ts";

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
  /** Set when the top rung is copied and others are encoded: the copy's cut points, which the
   *  encoded rungs key on instead of the segment grid (rung-alignment.ts). */
  alignedCuts?: CutPlan;
}

export type AudioPlan =
  | { mode: "copy"; codecs: string; channels: number }
  | { mode: "transcode"; codecs: "mp4a.40.2"; bitrateKbps: number; channels: 2 | 6; sampleRate: 48000; reason: string };

export interface PackagePlan {
  video: VideoPlan | null;
  /** The default audio rendition's encoding (the first of audioTracks). */
  audio: AudioPlan | null;
  /** Every audio rendition, default first; absent in hand-made plans, which mean one track (`audio`, 0:a:0). */
  audioTracks?: AudioTrackPlan[];
  /** The text subtitle streams to write as WebVTT renditions. */
  subtitles?: SubtitlePlan[];
  /** Why a source stream is left out of the package (image subtitles, unknown codecs): job warnings. */
  skipped?: string[];
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
  /** Transcode the top rung even if it could be copied, for this reason (e.g. keyframes that cannot be aligned). */
  transcodeTopBecause?: string;
}

export const DEFAULT_LADDER: readonly number[] = [1080, 720, 480, 360];
const BROWSER_SAFE_PIX_FMTS = new Set(["yuv420p", "yuvj420p"]);
/** Rates a player expects; a VFR source gets the nearest one. */
const STANDARD_RATES: [string, number][] = [
  ["24000/1001", 24000 / 1001], ["24", 24], ["25", 25], ["30000/1001", 30000 / 1001], ["30", 30],
  ["50", 50], ["60000/1001", 60000 / 1001], ["60", 60],
];

export function planPackage(info: MediaInfo, options: PlanOptions = {}): PackagePlan {
  const segmentSeconds = options.segmentSeconds ?? 4;
  if (!(segmentSeconds >= 1 && segmentSeconds <= 30)) throw new RangeError("segment duration must be 1-30 seconds");
  const ladder = normaliseLadder(options.ladder ?? DEFAULT_LADDER);
  const audio = limitAudioStreams(info.audioStreams ?? (info.audio ? [info.audio] : []));
  const audioTracks = planAudioTracks(audio.kept);
  const subtitles = planSubtitles(info.subtitles ?? []);
  return {
    video: info.video ? planVideo(info.video, ladder, options.maxWidth ?? 1920, info, options.transcodeTopBecause) : null,
    audio: audioTracks[0]?.encode ?? null,
    segmentSeconds,
    segmentType: options.segmentType ?? "fmp4",
    ...(audioTracks.length > 0 ? { audioTracks } : {}),
    ...(subtitles.renditions.length > 0 ? { subtitles: subtitles.renditions } : {}),
    ...(audio.skipped.length + subtitles.skipped.length > 0 ? { skipped: [...audio.skipped, ...subtitles.skipped] } : {}),
  };
}

export function normaliseLadder(ladder: readonly number[]): number[] {
  const rungs = [...new Set(ladder)].sort((a, b) => b - a);
  if (rungs.length === 0 || rungs.some((h) => !Number.isInteger(h) || h < 16 || h > 4320)) {
    throw new RangeError("ladder must list rung heights, whole numbers from 16 to 4320");
  }
  return rungs;
}

function planVideo(v: VideoStreamInfo, ladder: number[], maxWidth: number, info: MediaInfo, transcodeTopBecause?: string): VideoPlan {
  const rotated = v.rotation === 90 || v.rotation === 270;
  const [displayWidth, displayHeight] = rotated ? [v.height, v.width] : [v.width, v.height];
  const top = fitWithin(displayWidth, displayHeight, maxWidth, ladder[0]!);
  const { frameRate, fps, forceConstantRate } = outputRate(v);
  const reason =
    whyTranscodeVideo(v) ?? (top.width !== displayWidth || top.height !== displayHeight ? "larger than the top rung" : undefined) ?? transcodeTopBecause;

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
