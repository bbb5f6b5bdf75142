// Expiry of abandoned resumable uploads: one function for whatever runs periodic work (a timer in
// the Node and Deno entries today). Storage is the record: every upload under way has an info
// object, so listing `uploads/` finds them all, on every backend.
import { UPLOADS_PREFIX } from "@edgestream/contracts";
import { findVideo } from "../db/videos.ts";
import type { AppDeps } from "../env.ts";
import { uploadIdOfInfo } from "./tus-keys.ts";
import { removeUploadState } from "./tus-parts.ts";
import { readUploadInfo } from "./upload-info.ts";

/**
 * Removes every unfinished upload created more than UPLOAD_EXPIRY_SECONDS before `now` (unix
 * seconds), parts, info and any joined source no video points at. Answers how many it removed.
 */
export async function expireAbandonedUploads(deps: Pick<AppDeps, "config" | "db" | "storage">, now: number): Promise<number> {
  const cutoffMs = (now - deps.config.UPLOAD_EXPIRY_SECONDS) * 1000;
  let removed = 0;
  for (const key of await deps.storage.list(UPLOADS_PREFIX)) {
    const id = uploadIdOfInfo(key);
    if (!id) continue;
    const info = await readUploadInfo(deps.storage, id);
    // Gone since the listing (finished: its source is a video's now; or ended), or not expired yet.
    if (!info || info.createdAt > cutoffMs) continue;
    // Finished but stopped before tidying (the row is written first): the source is the video's now,
    // whoever owns that row; only the tus state goes.
    const video = await findVideo(deps.db, id);
    const keys = video ? [] : await deps.storage.list(`${UPLOADS_PREFIX}/${id}/`);
    for (const stale of keys) await deps.storage.delete(stale);
    await removeUploadState(deps.storage, id);
    removed++;
  }
  return removed;
}
