// Where the hls muxer will cut a copied video stream: the source's keyframe times read with ffprobe
// (bounded: a stranger's file), and the muxer's own cut rule applied to them. Transcoded rungs are
// then forced to key exactly there (rung-alignment.ts), so every rung of a package shares boundaries.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { redactPaths, toolMissing } from "./errors.ts";
import { inputArgs } from "./input-policy.ts";

/** A keyframe timestamp in the stream's own time base (integer ticks, as the muxer compares them). */
export interface KeyframeTicks {
  /** Presentation timestamps of the keyframes, decode order; the first is where the copy starts. */
  keyframes: number[];
  /** The stream's time base, e.g. { num: 1, den: 12288 }. */
  timeBase: { num: number; den: number };
  /** The container's start time (s): ffmpeg shifts every output timestamp back by it. */
  formatStartSec: number;
}

/**
 * The cut points (in ticks) of ffmpeg 5.1's hls muxer for a copied stream: it starts at the first
 * keyframe, and ends segment n (1, 2, …) at the first keyframe strictly after the last cut whose
 * distance from the start is at least n × hls_time. The grid is cumulative from the start, not
 * measured from the last cut (a 2.5 s GOP at hls_time 4 cuts at 5, 10, 12.5, 17.5, 20, 25 s).
 */
export function hlsCutTicks({ keyframes, timeBase }: KeyframeTicks, segmentSeconds: number): number[] {
  const start = keyframes[0];
  if (start === undefined) return [];
  const cuts: number[] = [];
  let last = start;
  for (const pts of keyframes) {
    if (pts <= last) continue;
    // (pts - start) × num / den ≥ n × hls_time, in integers: exact, as the muxer's av_compare_ts.
    if ((pts - start) * timeBase.num >= (cuts.length + 1) * segmentSeconds * timeBase.den) {
      cuts.push(pts);
      last = pts;
    }
  }
  return cuts;
}

export interface CutPlan {
  /** Cut times in seconds on ffmpeg's output timeline (source time less the container's start). */
  cuts: number[];
  /** The longest stretch without a cut, start and end of the video included (seconds). */
  longestGapSec: number;
}

/** Cut times as the encoder sees its frames, with the longest stretch between two cuts (or the ends). */
export function cutPlan(ticks: KeyframeTicks, segmentSeconds: number, durationSec: number): CutPlan {
  const seconds = (pts: number) => (pts * ticks.timeBase.num) / ticks.timeBase.den - ticks.formatStartSec;
  const cuts = hlsCutTicks(ticks, segmentSeconds).map(seconds);
  // The tail counts too: an encoder keyframe there would be one more cut. Duration is an upper bound.
  const bounds = [0, ...cuts, Math.max(durationSec, cuts.at(-1) ?? 0)];
  let longestGapSec = 0;
  for (let i = 1; i < bounds.length; i++) longestGapSec = Math.max(longestGapSec, bounds[i]! - bounds[i - 1]!);
  return { cuts, longestGapSec };
}

export interface ReadKeyframesOptions {
  /** The probed demuxer (input-policy.ts demuxerFor). */
  format?: string;
  trusted?: boolean;
  /** The whole read is killed after this long (default 120 s). */
  timeoutMs?: number;
  /** More keyframes than this and the read stops (an all-intra or broken file): default 1,000,000. */
  maxKeyframes?: number;
  signal?: AbortSignal;
  ffprobePath?: string;
}

/** Why the keyframes could not be used; the message is safe to show the uploader. */
export class KeyframeReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyframeReadError";
  }
}

/**
 * Reads the video keyframes of a source: one ffprobe pass over packets (demux only, no decode),
 * streamed line by line so memory holds keyframes, not packets. Bounded by time and by count.
 */
export async function readKeyframes(input: string, options: ReadKeyframesOptions = {}): Promise<KeyframeTicks> {
  const maxKeyframes = options.maxKeyframes ?? 1_000_000;
  const args = [
    "-v", "error", ...inputArgs(options.format, { trusted: options.trusted ?? false }),
    "-select_streams", "v:0", "-show_entries", "packet=pts,flags:stream=time_base:format=start_time", "-of", "compact=p=1:nk=1", "-i", input,
  ];
  const child = spawn(options.ffprobePath ?? "ffprobe", args, { stdio: ["ignore", "pipe", "pipe"] });
  const keyframes: number[] = [];
  let timeBase: KeyframeTicks["timeBase"] | undefined;
  let formatStartSec = 0;
  let problem: string | undefined;
  let stderr = "";
  const stop = (why: string) => {
    problem ??= why;
    child.kill("SIGKILL");
  };
  const timer = setTimeout(() => stop("reading its keyframes took too long"), options.timeoutMs ?? 120_000);
  const onAbort = () => stop("cancelled");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const [section, first, second] = line.split("|");
      if (section === "packet") {
        if (!second?.startsWith("K")) continue;
        const pts = Number(first);
        if (!Number.isSafeInteger(pts)) stop("a keyframe has no timestamp");
        else if (keyframes.length > 0 && pts <= keyframes.at(-1)!) stop("its keyframe timestamps go backwards");
        else if (keyframes.push(pts) > maxKeyframes) stop(`it has more than ${maxKeyframes} keyframes`);
      } else if (section === "stream") {
        const [num, den] = (first ?? "").split("/").map(Number);
        if (num && den) timeBase = { num, den };
      } else if (section === "format") {
        formatStartSec = Number(first) || 0;
      }
    }
    const code = await exited;
    if (problem) throw new KeyframeReadError(problem);
    if (code !== 0) throw new KeyframeReadError(`ffprobe could not read its packets (${redactPaths(stderr.trim().split("\n").pop() ?? "") || `exit ${code}`})`);
    if (!timeBase) throw new KeyframeReadError("its video stream has no time base");
    if (keyframes.length === 0) throw new KeyframeReadError("its video stream has no keyframes");
    return { keyframes, timeBase, formatStartSec };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw toolMissing("ffprobe");
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
