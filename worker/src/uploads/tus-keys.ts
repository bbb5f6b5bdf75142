// Where a resumable upload lives in storage while it is under way: beside the source it becomes,
// under `uploads/<videoId>/tus/` (so a video's upload folder holds all of it, and deleting it or
// the start-up sweep of interrupted writes covers it). Each PATCH is one part object named by the
// offset it starts at, so the offset is the last part's start plus its size.
import { UPLOADS_PREFIX } from "@edgestream/contracts";

/** The upload (and video) ids the worker hands out: newVideoId()'s 21 URL-safe characters. */
const UPLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{20}$/;
/** Offsets are zero-padded so the driver's sorted list() is offset order (10^15 bytes is far beyond any upload limit). */
const OFFSET_DIGITS = 15;
const PART_PREFIX = "part-";
const INFO_NAME = "info.json";

export function isUploadId(id: string): boolean {
  return UPLOAD_ID.test(id);
}

export function tusFolder(id: string): string {
  return `${UPLOADS_PREFIX}/${id}/tus/`;
}

export function tusInfoKey(id: string): string {
  return `${tusFolder(id)}${INFO_NAME}`;
}

export function tusPartKey(id: string, offset: number): string {
  return `${tusFolder(id)}${PART_PREFIX}${String(offset).padStart(OFFSET_DIGITS, "0")}`;
}

/** The offset a part key starts at, or null for a key that is not a part. */
export function partOffset(key: string): number | null {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return name.startsWith(PART_PREFIX) ? Number(name.slice(PART_PREFIX.length)) : null;
}

/** The upload id of an info key found by listing `uploads/`, or null for any other key. */
export function uploadIdOfInfo(key: string): string | null {
  const match = /^[^/]+\/([^/]+)\/tus\/info\.json$/.exec(key);
  return match && isUploadId(match[1]!) ? match[1]! : null;
}
