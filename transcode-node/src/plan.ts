// Decides, from a probe, what to copy and what to transcode. Pure: no I/O, pinned by unit tests.
import type { MediaInfo, VideoStreamInfo } from "./media-info.ts";

export type VideoPlan =
  | { mode: "copy"; width: number; height: number }
  | { mode: "transcode"; width: number; height: number; maxBitrateKbps: number; reason: string };

export type AudioPlan =
  | { mode: "copy" }
  | { mode: "transcode"; bitrateKbps: number; channels: 2; sampleRate: 48000; reason: string };

export interface PackagePlan {
  video: VideoPlan | null;
  audio: AudioPlan | null;
  segmentSeconds: number;
  segmentType: "fmp4";
}

export interface PlanOptions {
  segmentSeconds?: number;
  /** Largest output frame; sources above it are scaled down, never up. */
  maxWidth?: number;
  maxHeight?: number;
}

const BROWSER_SAFE_PIX_FMTS = new Set(["yuv420p", "yuvj420p"]);

export function planPackage(info: MediaInfo, options: PlanOptions = {}): PackagePlan {
  const segmentSeconds = options.segmentSeconds ?? 4;
  if (!(segmentSeconds >= 1 && segmentSeconds <= 30)) throw new RangeError("segment duration must be 1-30 seconds");
  return {
    video: info.video ? planVideo(info.video, options.maxWidth ?? 1920, options.maxHeight ?? 1080) : null,
    audio: info.audio ? planAudio(info.audio.codec, info.audio.channels) : null,
    segmentSeconds,
    segmentType: "fmp4",
  };
}

function planVideo(v: VideoStreamInfo, maxWidth: number, maxHeight: number): VideoPlan {
  const reason = whyTranscodeVideo(v);
  const rotated = v.rotation === 90 || v.rotation === 270;
  const [displayW, displayH] = rotated ? [v.height, v.width] : [v.width, v.height];
  if (!reason && displayW <= maxWidth && displayH <= maxHeight) return { mode: "copy", width: displayW, height: displayH };
  const { width, height } = fitWithin(displayW, displayH, maxWidth, maxHeight);
  return { mode: "transcode", width, height, maxBitrateKbps: bitrateFor(height), reason: reason ?? "larger than the output frame" };
}

function whyTranscodeVideo(v: VideoStreamInfo): string | undefined {
  if (v.codec !== "h264") return `${v.codec} video is not playable in every browser`;
  if (v.bitDepth !== 8 || !BROWSER_SAFE_PIX_FMTS.has(v.pixFmt ?? "")) return `${v.pixFmt ?? "unknown"} H.264 is not browser-safe`;
  if (v.rotation !== 0) return `rotated ${v.rotation}° (players ignore the display matrix)`;
  return undefined;
}

function planAudio(codec: string, channels: number): AudioPlan {
  if (codec === "aac" && channels > 0 && channels <= 2) return { mode: "copy" };
  const reason = codec === "aac" ? `${channels}-channel AAC is downmixed to stereo` : `${codec} audio is not playable in every browser`;
  return { mode: "transcode", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason };
}

/** Scales down to fit, keeping the aspect ratio; both sides even (H.264 4:2:0 needs it). */
export function fitWithin(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/** A sane ceiling for H.264 at this height (roughly Apple's HLS authoring guidance). */
export function bitrateFor(height: number): number {
  if (height <= 240) return 400;
  if (height <= 360) return 800;
  if (height <= 480) return 1400;
  if (height <= 720) return 2800;
  return 5000;
}
