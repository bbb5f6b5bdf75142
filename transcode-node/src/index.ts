// Public surface of @edgestream/transcode-node.
export { probe, toMediaInfo } from "./probe.ts";
export type { MediaInfo, VideoStreamInfo, AudioStreamInfo, StreamSummary, HdrTransfer } from "./media-info.ts";
export {
  planPackage, fitWithin, bitrateFor, normaliseLadder, DEFAULT_LADDER,
  type PackagePlan, type VideoPlan, type AudioPlan, type PlanOptions, type Rendition, type SegmentType,
} from "./plan.ts";
export { buildPackageArgs, canRunFullDevice } from "./ffmpeg-args.ts";
export { readKeyframes, cutPlan, type KeyframeTicks, type CutPlan } from "./keyframes.ts";
export { planAlignedPackage } from "./rung-alignment.ts";
export { toneMapFilter } from "./ffmpeg-pieces.ts";
export { HW_BACKENDS, ENCODER_OF, buildTestEncodeArgs, type Backend, type HwBackend, type HwAccelPreference } from "./hw-backends.ts";
export { HardwareRegistry, DEFAULT_SESSION_CAPS, type EncoderCheck, type HardwareRegistryOptions } from "./hw-registry.ts";
export { buildMasterPlaylist, measureRendition, type MeasuredRendition } from "./master-playlist.ts";
export { thumbnailLayout, buildThumbnailTrack, type ThumbnailOptions, type ThumbnailResult } from "./thumbnails.ts";
export { runFfmpeg, type FfmpegProgress, type FfmpegRun } from "./ffmpeg-process.ts";
export { packageVod, packageInto, type PackageOptions, type PackageCoreOptions, type PackageResult } from "./package-vod.ts";
export { sha256File } from "./hash.ts";
export { MediaInputError, FfmpegError, CancelledError, redactPaths } from "./errors.ts";
export { inputArgs, demuxerFor, InputRefusedError, MEDIA_DEMUXERS, PLAYLIST_DEMUXERS, PLAYLIST_MESSAGE, type InputRefusal } from "./input-policy.ts";
export { generateTestPattern, toSubRip, type TestPatternOptions } from "./test-pattern.ts";
