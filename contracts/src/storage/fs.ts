// Local filesystem storage: the embedded default. Node only (imported by the Node runtime entry).
import { mkdir, open, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { assertSafeKey, resolveRange, type RangeRequest, type StorageDriver, type StoredObject } from "./driver.ts";

/** Marks a put in progress: `<key>.tmp-<uuid>`, renamed to `<key>` once the body is complete. */
const TEMP_MARK = ".tmp-";
/** What open() says when nothing readable is at a key: missing, a folder, or under a file ("a.m4s/x"). */
const NOT_FOUND_CODES = new Set(["ENOENT", "EISDIR", "ENOTDIR", "ENAMETOOLONG"]);

export function createFsStorage(rootDir: string): StorageDriver {
  const root = resolve(rootDir);
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return join(root, ...key.split("/"));
  };

  return {
    name: "fs",

    async get(key, options: { range?: RangeRequest } = {}): Promise<StoredObject | null> {
      const path = pathOf(key);
      const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
        if (NOT_FOUND_CODES.has(error.code ?? "")) return null;
        throw error;
      });
      if (!handle) return null;
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      let range: { offset: number; length: number } | undefined;
      try {
        range = options.range ? resolveRange(options.range, info.size) : undefined;
      } catch (error) {
        await handle.close();
        throw error;
      }
      // The stream owns the handle from here and closes it when done or destroyed (never twice:
      // a second close could hit a descriptor number the process has since reused).
      const stream = handle.createReadStream({
        autoClose: true,
        start: range?.offset ?? 0,
        ...(range ? { end: range.offset + range.length - 1 } : {}),
      });
      const object: StoredObject = {
        body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
        size: info.size,
        etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      };
      if (range) object.range = range;
      return object;
    },

    async localFile(key) {
      const path = pathOf(key);
      return (await stat(path).catch(() => null))?.isFile() ? path : null;
    },

    async head(key) {
      const info = await stat(pathOf(key)).catch(() => null);
      if (!info?.isFile()) return null;
      return { size: info.size, etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"` };
    },

    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}${TEMP_MARK}${crypto.randomUUID()}`;
      const data =
        typeof body === "string" || body instanceof Uint8Array ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream);
      try {
        await writeFile(temp, data);
        await rename(temp, path); // readers never see a half-written object
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await pruneEmptyFolders(root, path);
    },

    async list(prefix) {
      const base = prefix ? pathOf(prefix.replace(/\/$/, "")) : root;
      const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries
        .filter((entry) => entry.isFile() && !entry.name.includes(TEMP_MARK))
        .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
        .sort();
    },
  };
}

/**
 * Removes the temp files of puts that never finished below `prefix` (their process was killed
 * mid-write), with the folders that leaves empty. Only for start-up, before this process writes:
 * a put in flight in another process under the same prefix would lose its file.
 */
export async function removeInterruptedPuts(rootDir: string, prefix: string): Promise<string[]> {
  const root = resolve(rootDir);
  assertSafeKey(prefix);
  const entries = await readdir(join(root, ...prefix.split("/")), { recursive: true, withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries.filter((e) => e.isFile() && e.name.includes(TEMP_MARK))) {
    const path = join(entry.parentPath, entry.name);
    await rm(path, { force: true });
    await pruneEmptyFolders(root, path);
    removed.push(relative(root, path).split(sep).join("/"));
  }
  return removed;
}

/** Prunes the folders a removal emptied, so a deleted video leaves no trace; stops at the first non-empty one. */
async function pruneEmptyFolders(root: string, removedPath: string): Promise<void> {
  for (let dir = dirname(removedPath); dir.startsWith(root + sep) && dir !== root; dir = dirname(dir)) {
    if (!(await rmdir(dir).then(() => true, () => false))) break;
  }
}
