// SHA-256 of a source, streamed: the content address of everything packaged from it. Only a regular
// file is read, and only as far as the size it had when checked; a cancel stops the reading at once
// (no hashing child and no further reads afterwards).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { addAbortSignal, Readable } from "node:stream";
import { CancelledError, MediaInputError } from "./errors.ts";
import { openRegularFile } from "./source-file.ts";

export interface HashOptions {
  signal?: AbortSignal;
}

/** The bytes of a regular file up to its checked size, as a stream that a cancel destroys. */
async function boundedStream(path: string, signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new CancelledError();
  const { handle, size } = await openRegularFile(path);
  if (size === 0) {
    await handle.close();
    return Readable.from([]);
  }
  return handle.createReadStream({ start: 0, end: size - 1 }); // `end` is inclusive
}

export async function sha256File(path: string, options: HashOptions = {}): Promise<string> {
  const hash = createHash("sha256");
  const source = await boundedStream(path, options.signal);
  if (options.signal) addAbortSignal(options.signal, source);
  try {
    for await (const chunk of source) hash.update(chunk as Buffer);
  } catch (error) {
    throw options.signal?.aborted ? new CancelledError() : error;
  }
  return hash.digest("hex");
}

/** Digest tools tried in turn at idle priority, under `nice` (tests find the children by these
 *  names); both print the hex digest first. openssl uses the CPU's SHA extensions (about 3x
 *  coreutils' sha256sum here). */
export const IDLE_HASHERS: readonly (readonly string[])[] = [["openssl", "dgst", "-sha256", "-r"], ["sha256sum"]];

/**
 * The same digest, computed at the lowest CPU priority (`nice -n 19`) so it never slows an encoder
 * that viewers are waiting on, by a child that reads the opened file itself (its descriptor is the
 * child's stdin: no byte passes through this process). The child reads to the end of the file, so a
 * size that changed meanwhile is refused rather than hashed. Falls back to hashing in this process
 * where the tools are missing. A cancel kills the child.
 */
/** Command names a hashing child may have (`nice` until it execs the tool). */
export const IDLE_HASH_COMMANDS: ReadonlySet<string> = new Set(["nice", ...IDLE_HASHERS.map((tool) => tool[0]!)]);

export async function sha256FileIdle(path: string, options: HashOptions = {}): Promise<string> {
  for (const tool of IDLE_HASHERS) {
    if (options.signal?.aborted) throw new CancelledError();
    // A fresh descriptor per try: a child shares its file offset, so a failed try would shift the next.
    const { handle, size } = await openRegularFile(path);
    try {
      const digest = await idleDigest(tool, handle.fd, options.signal);
      if (options.signal?.aborted) throw new CancelledError();
      if (digest === undefined) continue;
      if ((await handle.stat()).size !== size) throw new MediaInputError("the source changed while it was being read: upload it again", { source: path });
      return digest;
    } finally {
      await handle.close();
    }
  }
  return sha256File(path, options);
}

/** One hashing child on `fd`; undefined when the tool is missing or failed. */
function idleDigest(tool: readonly string[], fd: number, signal: AbortSignal | undefined): Promise<string | undefined> {
  const child = spawn("nice", ["-n", "19", ...tool], { stdio: [fd, "pipe", "ignore"], ...(signal ? { signal, killSignal: "SIGKILL" as const } : {}) });
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  return new Promise((resolve) => {
    // An abort through `signal` emits "error" at once, while the child is still being killed: only a
    // child that never started (no nice here) resolves on "error"; a started one on "close".
    child.once("error", () => {
      if (child.pid === undefined) resolve(undefined);
    });
    child.once("close", (code) => resolve(code === 0 ? /^[0-9a-f]{64}/.exec(stdout)?.[0] : undefined));
  });
}
