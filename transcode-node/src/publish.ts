// Content-addressed output through the StorageDriver interface: package into a local work folder
// (hashing the source beside it), then `put` every file under `<sha256>/`, meta.json next to last and
// master.m3u8 last, so a master playlist in storage always means a complete package. One code path
// for every driver (fs, S3, R2): the copy it costs on local disk is small next to the encode.
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { MASTER_PLAYLIST, META_FILE, parsePackageMeta, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { sha256FileIdle } from "./hash.ts";
import { packageInto, type PackageCoreOptions } from "./package-vod.ts";

export interface PublishOptions extends PackageCoreOptions {
  storage: StorageDriver;
  /** Where work folders are made (removed afterwards, also on failure). */
  workRoot: string;
}

export interface PublishResult {
  sha256: string;
  storagePrefix: string;
  /** True when an identical source was already packaged: no work was done. */
  deduplicated: boolean;
  meta: PackageMeta;
}

/**
 * Hashes (at idle priority) and packages at the same time: the content address is only needed for
 * the dedupe check and the upload, so the encode never waits for it. When the hash names a package
 * that is already stored, the packaging in flight is cancelled and the stored one is answered.
 */
export async function packageToStorage(options: PublishOptions): Promise<PublishResult> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const hashing = Promise.resolve(options.sha256 ?? sha256FileIdle(options.input, { signal }));
  const dedupe = hashing.then(async (sha256) => {
    const existing = await readExisting(options.storage, sha256);
    if (existing) stop.abort(); // the packaging in flight is not needed
    return { sha256, existing };
  });
  const work = await mkdtemp(join(options.workRoot, "job-"));
  const packaging = packageInto(work, { ...options, sha256: hashing, signal });
  packaging.catch(() => {}); // settled below; a cancel after a dedupe hit is expected
  try {
    // A packaging failure (not media, say) is reported at once, without waiting for the hash.
    const { sha256, existing } = await Promise.race([dedupe, packaging.then(() => dedupe)]);
    if (existing) return { sha256, storagePrefix: sha256, deduplicated: true, meta: existing };
    const result = await packaging;
    await uploadFolder(options.storage, sha256, work);
    return { sha256, storagePrefix: sha256, deduplicated: false, meta: result.meta };
  } finally {
    stop.abort(); // whatever still runs (hash or ffmpeg) stops before its folder goes
    await packaging.catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

/** The package already stored for these bytes; a meta.json that does not match the schema throws PackageMetaError. */
async function readExisting(storage: StorageDriver, sha256: string): Promise<PackageMeta | null> {
  if (!(await storage.head(`${sha256}/${MASTER_PLAYLIST}`))) return null;
  const key = `${sha256}/${META_FILE}`;
  const object = await storage.get(key);
  if (!object) return null;
  return parsePackageMeta(await new Response(object.body).text(), key);
}

/** Files above this go to storage as a stream: a long film's progressive MP4 is more than one Buffer holds. */
const READ_WHOLE_MAX_BYTES = 16 * 1024 * 1024;

async function fileBody(path: string): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  if ((await stat(path)).size <= READ_WHOLE_MAX_BYTES) return new Uint8Array(await readFile(path));
  return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
}

/** Uploads every file of `folder` below `prefix/`; meta.json and the master playlist go last. */
export async function uploadFolder(storage: StorageDriver, prefix: string, folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => relative(folder, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
  const last = [META_FILE, MASTER_PLAYLIST];
  const body = files.filter((f) => !last.includes(f));
  const tail = last.filter((f) => files.includes(f));
  const keys: string[] = [];
  // Segments in parallel (a few at a time), then the two files that make the package visible.
  for (let i = 0; i < body.length; i += 8) {
    await Promise.all(body.slice(i, i + 8).map(async (file) => {
      await storage.put(`${prefix}/${file}`, await fileBody(join(folder, file)));
      keys.push(`${prefix}/${file}`);
    }));
  }
  for (const file of tail) {
    await storage.put(`${prefix}/${file}`, new Uint8Array(await readFile(join(folder, file))));
    keys.push(`${prefix}/${file}`);
  }
  return keys;
}
