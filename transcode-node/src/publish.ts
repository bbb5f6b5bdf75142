// Content-addressed output through the StorageDriver interface: package into a local work folder,
// then `put` every file under `<sha256>/`, meta.json next to last and master.m3u8 last, so a
// master playlist in storage always means a complete package. One code path for every driver
// (fs, S3, R2): the copy it costs on local disk is small next to the encode.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MASTER_PLAYLIST, META_FILE, parsePackageMeta, type PackageMeta, type StorageDriver } from "@edgestream/contracts";
import { sha256File } from "./hash.ts";
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

export async function packageToStorage(options: PublishOptions): Promise<PublishResult> {
  const sha256 = options.sha256 ?? (await sha256File(options.input, options.signal ? { signal: options.signal } : {}));
  const existing = await readExisting(options.storage, sha256);
  if (existing) return { sha256, storagePrefix: sha256, deduplicated: true, meta: existing };

  const work = await mkdtemp(join(options.workRoot, `job-${sha256.slice(0, 12)}-`));
  try {
    const result = await packageInto(work, { ...options, sha256 });
    await uploadFolder(options.storage, sha256, work);
    return { sha256, storagePrefix: sha256, deduplicated: false, meta: result.meta };
  } finally {
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
      await storage.put(`${prefix}/${file}`, new Uint8Array(await readFile(join(folder, file))));
      keys.push(`${prefix}/${file}`);
    }));
  }
  for (const file of tail) {
    await storage.put(`${prefix}/${file}`, new Uint8Array(await readFile(join(folder, file))));
    keys.push(`${prefix}/${file}`);
  }
  return keys;
}
