// Public surface of @edgestream/transcode-node.
export { probe, toMediaInfo } from "./probe.ts";
export type { MediaInfo, VideoStreamInfo, AudioStreamInfo } from "./media-info.ts";
export { planPackage, fitWithin, bitrateFor, type PackagePlan, type VideoPlan, type AudioPlan, type PlanOptions } from "./plan.ts";
export { buildPackageArgs, MASTER_PLAYLIST } from "./ffmpeg-args.ts";
export { runFfmpeg, type FfmpegProgress, type FfmpegRun } from "./ffmpeg-process.ts";
export { packageVod, type PackageOptions, type PackageResult } from "./package-vod.ts";
export { sha256File } from "./hash.ts";
export { MediaInputError, FfmpegError } from "./errors.ts";
export { generateTestPattern, type TestPatternOptions } from "./test-pattern.ts";
