// Where a video's sidecar subtitles live in storage. They belong to the VIDEO, not to its package
// (packages are content-addressed and shared by every video made from the same source), so they sit
// in a per-video folder the worker writes and deletes with the video.

export const SIDECARS_PREFIX = "sidecars";

/** The folder of one video's sidecar subtitles (every key below it is that video's). */
export function sidecarPrefix(videoId: string): string {
  return `${SIDECARS_PREFIX}/${videoId}`;
}

/** The storage key of one sidecar track's WebVTT file. */
export function sidecarSubtitleKey(videoId: string, trackId: string): string {
  return `${sidecarPrefix(videoId)}/${trackId}.vtt`;
}
