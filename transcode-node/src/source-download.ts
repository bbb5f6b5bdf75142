// A storage-held source copied to a local work folder (ffmpeg seeks in it, and reads it more than
// once): one path for jobs and sessions. The copy is `<folder>/source`; the caller removes the folder.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { StorageDriver } from "@edgestream/contracts";
import { MediaInputError } from "./errors.ts";

export async function downloadSource(storage: StorageDriver, storageKey: string, folder: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const object = await storage.get(storageKey);
  if (!object) throw new MediaInputError(`source not found in storage: ${storageKey}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, "source");
  await pipeline(Readable.fromWeb(object.body as ReadableStream), createWriteStream(path), options.signal ? { signal: options.signal } : {});
  return path;
}
