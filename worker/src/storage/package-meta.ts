// Reads what the transcode node wrote beside a package (meta.json), for registering it as a video.
import { MASTER_PLAYLIST, META_FILE, type StorageDriver } from "@edgestream/contracts";

export interface PackageFacts {
  durationMs: number | null;
  sourceSha256: string | null;
  posterPath: string | null;
  thumbnailsPath: string | null;
}

/** null when the prefix holds no packaged video (no master.m3u8). */
export async function readPackageMeta(storage: StorageDriver, prefix: string): Promise<PackageFacts | null> {
  if (!(await storage.head(`${prefix}/${MASTER_PLAYLIST}`))) return null;
  const facts: PackageFacts = { durationMs: null, sourceSha256: null, posterPath: null, thumbnailsPath: null };
  const object = await storage.get(`${prefix}/${META_FILE}`);
  if (!object) return facts;
  try {
    const meta = JSON.parse(await new Response(object.body).text()) as {
      sha256?: unknown;
      source?: { durationSec?: unknown };
      thumbnails?: { poster?: unknown; track?: unknown };
    };
    if (typeof meta.source?.durationSec === "number") facts.durationMs = Math.round(meta.source.durationSec * 1000);
    if (typeof meta.sha256 === "string") facts.sourceSha256 = meta.sha256;
    if (typeof meta.thumbnails?.poster === "string") facts.posterPath = meta.thumbnails.poster;
    if (typeof meta.thumbnails?.track === "string") facts.thumbnailsPath = meta.thumbnails.track;
  } catch {
    // A damaged meta.json does not make the video unplayable; the facts stay unknown.
  }
  return facts;
}
