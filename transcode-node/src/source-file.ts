// A source is a regular file, read within the size it had when checked: a device (/dev/zero), FIFO,
// socket or folder is refused before anything reads it. Checked twice: `stat` before opening (opening
// a FIFO would block), and `fstat` on the opened descriptor, so a path swapped in between is caught.
import { constants } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { MediaInputError } from "./errors.ts";

export interface RegularFile {
  handle: FileHandle;
  /** Bytes to read, at most: the size the file had when it was checked. */
  size: number;
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}

function notRegular(path: string, info: Awaited<ReturnType<typeof stat>>): MediaInputError {
  return new MediaInputError(`the source is ${kindOf(info)}, not a regular file: give a media file`, { source: path });
}

/** Checks that `path` is a regular file (following symlinks) and returns its size; never opens it. */
export async function regularFileSize(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new MediaInputError("input not found", { source: path });
  if (!info.isFile()) throw notRegular(path, info);
  return info.size;
}

/** Opens a regular file for reading (non-blocking, so a FIFO swapped in cannot hang the open). Close the handle. */
export async function openRegularFile(path: string): Promise<RegularFile> {
  await regularFileSize(path);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(path, info);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
