// Every video rung of a package cuts at the same times. A copied top rung cuts where the source has
// keyframes; the encoded rungs are then keyed on exactly those cut points. A source whose keyframes
// cannot give sane segments (a gap over 3 segments, or more cuts than an argument list holds) gets its
// top rung transcoded instead, and then every rung keys on the segment grid.
import { CancelledError } from "./errors.ts";
import type { ForcedKeyframes } from "./hw-backends.ts";
import { cutPlan, readKeyframes, type CutPlan, type ReadKeyframesOptions } from "./keyframes.ts";
import type { MediaInfo } from "./media-info.ts";
import { planPackage, type PackagePlan, type PlanOptions, type VideoPlan } from "./plan.ts";

/** How far before a cut (in frames) its forced keyframe time is given; see forcedKeyframes. */
export const CUT_LEAD_FRAMES = 0.4;
/** A stretch without a keyframe longer than this many segments makes the copy's segments unusable. */
export const MAX_GAP_SEGMENTS = 3;
/** At most this many forced keyframes (≈11 bytes each) in one ffmpeg argument (Linux allows 128 KiB). */
export const MAX_CUTS = 7200;

/** Whether the plan copies its top rung and encodes others: only then do boundaries need aligning. */
export function needsAlignment(plan: PackagePlan): boolean {
  const modes = plan.video?.renditions.map((r) => r.mode) ?? [];
  return modes[0] === "copy" && modes.includes("transcode");
}

/** The copy's cuts, or why they cannot be followed (then the top rung is transcoded). */
export function judgeCuts(cuts: CutPlan, segmentSeconds: number): { cuts: CutPlan } | { reason: string } {
  if (cuts.longestGapSec > MAX_GAP_SEGMENTS * segmentSeconds) {
    return { reason: `keyframes up to ${cuts.longestGapSec.toFixed(1)} s apart (segments of ${segmentSeconds} s need them closer)` };
  }
  if (cuts.cuts.length > MAX_CUTS) return { reason: `${cuts.cuts.length} segments are more than ${MAX_CUTS} aligned cut points` };
  return { cuts };
}

/**
 * The plan with aligned rungs: planPackage's plan, and when its top rung is copied, the source's
 * keyframes read (bounded) and either followed by the encoded rungs or the top rung transcoded.
 */
export async function planAlignedPackage(input: string, info: MediaInfo, options: PlanOptions, read: ReadKeyframesOptions = {}): Promise<PackagePlan> {
  const plan = planPackage(info, options);
  if (!plan.video || !needsAlignment(plan)) return plan;
  let verdict: ReturnType<typeof judgeCuts>;
  try {
    verdict = judgeCuts(cutPlan(await readKeyframes(input, read), plan.segmentSeconds, info.durationSec), plan.segmentSeconds);
  } catch (error) {
    if (read.signal?.aborted) throw new CancelledError();
    verdict = { reason: `its keyframes could not be read (${(error as Error).message})` };
  }
  if ("reason" in verdict) return planPackage(info, { ...options, transcodeTopBecause: verdict.reason });
  return { ...plan, video: { ...plan.video, alignedCuts: verdict.cuts } };
}

/** The encoders' forced keyframes for an aligned plan (undefined: key on the segment grid). */
export function forcedKeyframes(video: VideoPlan): ForcedKeyframes | undefined {
  if (!video.alignedCuts) return undefined;
  return {
    // ffmpeg turns each time into a frame number of the constant output rate (rounded to nearest) and
    // numbers the frames from the first one on, so a source whose timestamps sit off that grid (a
    // Matroska file's millisecond times) would round a cut to the next frame: 0.4 frame earlier keeps
    // it on the cut's own frame for any offset below 0.9 frame.
    times: video.alignedCuts.cuts.map((t) => Math.max(0, t - CUT_LEAD_FRAMES / video.fps).toFixed(4)),
    // No keyframe of the encoder's own between two cuts: its GOP ceiling is past the longest stretch.
    maxGopFrames: Math.ceil(video.alignedCuts.longestGapSec * video.fps) + 1,
  };
}
