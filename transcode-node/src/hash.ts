// SHA-256 of a source, streamed: the content address of everything packaged from it. Only a regular
// file is read, and only as far as the size it had when checked; a cancel stops the reading at once
// (no hashing child and no further reads afterwards).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { addAbortSignal, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CancelledError } from "./errors.ts";
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

/**
 * The same digest, computed at the lowest CPU priority (`nice -n 19 sha256sum`, fed the bounded bytes
 * on its stdin) so it never slows an encoder that viewers are waiting on; falls back to hashing in
 * this process where those tools are missing. A cancel kills the child.
 */
export async function sha256FileIdle(path: string, options: HashOptions = {}): Promise<string> {
  const source = await boundedStream(path, options.signal);
  const child = spawn("nice", ["-n", "19", "sha256sum"], { stdio: ["pipe", "pipe", "ignore"], ...(options.signal ? { signal: options.signal, killSignal: "SIGKILL" as const } : {}) });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => {
    // An abort through `signal` emits "error" at once, while the child is still being killed: only a
    // child that never started (no nice/sha256sum here) resolves on "error"; a started one on "close".
    child.once("error", () => {
      if (child.pid === undefined) resolve(null);
    });
    child.once("close", (code) => resolve(code));
  });
  const fed = await pipeline(source, child.stdin, ...(options.signal ? [{ signal: options.signal }] : [])).then(
    () => true,
    () => false,
  );
  if (!fed) {
    source.destroy();
    child.kill("SIGKILL");
  }
  const code = await exited;
  if (options.signal?.aborted) throw new CancelledError();
  const digest = /^[0-9a-f]{64}/.exec(stdout)?.[0];
  // No `nice` or `sha256sum` here (or it failed): hash in this process instead.
  return fed && code === 0 && digest ? digest : sha256File(path, options);
}
