// Where uploaded sources live in storage: one folder per video under `uploads/`, written only by the
// worker that receives the upload (the transcode node reads them and writes packages elsewhere).

export const UPLOADS_PREFIX = "uploads";

/** The storage key of a video's uploaded source. */
export function uploadKey(videoId: string): string {
  return `${UPLOADS_PREFIX}/${videoId}/source`;
}

/** True when the key is this video's own upload (so deleting the video deletes it). */
export function isOwnUpload(key: string, videoId: string): boolean {
  return key.startsWith(`${UPLOADS_PREFIX}/${videoId}/`);
}
