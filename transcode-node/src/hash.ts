// SHA-256 of a file, streamed: the content address of everything packaged from it.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The same digest, computed at the lowest CPU priority (`nice -n 19 sha256sum`) so it never slows an
 * encoder that viewers are waiting on; falls back to hashing in this process where those tools are missing.
 */
export async function sha256FileIdle(path: string): Promise<string> {
  const viaTool = await new Promise<string | null>((resolve) => {
    execFile("nice", ["-n", "19", "sha256sum", "--", path], { maxBuffer: 1024 * 1024 }, (error, stdout) => {
      const digest = /^[0-9a-f]{64}/.exec(stdout)?.[0];
      resolve(error || !digest ? null : digest);
    });
  });
  return viaTool ?? sha256File(path);
}
