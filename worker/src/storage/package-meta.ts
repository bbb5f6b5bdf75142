// Reads what the transcode node wrote beside a package (meta.json, parsed with the contracts schema),
// for registering it as a video.
import { MASTER_PLAYLIST, META_FILE, parsePackageMeta, type StorageDriver } from "@edgestream/contracts";

export interface PackageFacts {
  durationMs: number | null;
  sourceSha256: string | null;
  posterPath: string | null;
  thumbnailsPath: string | null;
}

/**
 * null when the prefix holds no packaged video (no master playlist). A package without meta.json (made
 * by other tools) has unknown facts; a meta.json that does not match the schema throws PackageMetaError.
 */
export async function readPackageMeta(storage: StorageDriver, prefix: string): Promise<PackageFacts | null> {
  if (!(await storage.head(`${prefix}/${MASTER_PLAYLIST}`))) return null;
  const key = `${prefix}/${META_FILE}`;
  const object = await storage.get(key);
  if (!object) return { durationMs: null, sourceSha256: null, posterPath: null, thumbnailsPath: null };
  const meta = parsePackageMeta(await new Response(object.body).text(), key);
  return {
    durationMs: Math.round(meta.source.durationSec * 1000),
    sourceSha256: meta.sha256,
    posterPath: meta.thumbnails?.poster ?? null,
    thumbnailsPath: meta.thumbnails?.track ?? null,
  };
}
