// A storage-held source copied to a local work folder (ffmpeg seeks in it, and reads it more than
// once): one path for jobs and sessions. The copy is `<folder>/source`; the caller removes the folder.
// A driver that keeps the object on this disk (fs) gives its file, which is hard-linked instead:
// no bytes copied before a session can start (its puts replace files by rename, so the link keeps
// the bytes it was made with). Other filesystems, or any failure to link, fall back to the copy.
import { createWriteStream } from "node:fs";
import { link, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { StorageDriver } from "@edgestream/contracts";
import { MediaInputError } from "./errors.ts";

export async function downloadSource(storage: StorageDriver, storageKey: string, folder: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, "source");
  const local = await storage.localFile?.(storageKey);
  if (local && (await link(local, path).then(() => true, () => false))) return path;
  const object = await storage.get(storageKey);
  if (!object) throw new MediaInputError(`source not found in storage: ${storageKey}`);
  await pipeline(Readable.fromWeb(object.body as ReadableStream), createWriteStream(path), options.signal ? { signal: options.signal } : {});
  return path;
}
