// Process control of a session's encoder runs: one ffmpeg on a stretch of segments, parked with
// SIGSTOP, woken with SIGCONT, killed with SIGKILL (so no half segment is ever renamed into place).
// What to do and when is the scheduler's (scheduler.ts); this file only does it.
import { runFfmpeg, type FfmpegProgress, type FfmpegRun } from "../ffmpeg-process.ts";
import { buildSessionArgs, type SessionEncode } from "./session-args.ts";
import type { RunView } from "./scheduler.ts";

export interface EncoderRun extends RunView {
  run: FfmpegRun;
}

/** Starts ffmpeg on segments [start, end) (`end` at the source's end: to the end, no -t). */
export function launchRun(
  encode: Omit<SessionEncode, "startSegment" | "endSegment">,
  stretch: { start: number; end: number; segments: number; now: number },
  onProgress: (p: FfmpegProgress) => void,
): EncoderRun {
  const { start, end, segments } = stretch;
  const args = buildSessionArgs({ ...encode, startSegment: start, ...(end < segments ? { endSegment: end } : {}) });
  const run = runFfmpeg(args, { onProgress });
  return { run, start, end, highest: start - 1, paused: false, wantedAt: stretch.now };
}

export function park(r: EncoderRun): void {
  if (r.paused) return;
  r.run.pause();
  r.paused = true;
}

export function wake(r: EncoderRun): void {
  if (!r.paused) return;
  r.run.resume();
  r.paused = false;
}
