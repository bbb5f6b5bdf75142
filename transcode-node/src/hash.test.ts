import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CancelledError } from "./errors.ts";
import { IDLE_HASH_COMMANDS, sha256File, sha256FileIdle } from "./hash.ts";
import { until } from "../../tests/helpers/processes.ts";
import { bytesRead, bytesReadWith, childPids, commandOf } from "./testing/processes.ts";

let dir: string;
const data = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 7) % 256);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-hash-"));
  await writeFile(join(dir, "-starts-with-dash.bin"), data);
  await writeFile(join(dir, "empty.bin"), "");
  execFileSync("mkfifo", [join(dir, "fifo")]);
  // Sparse: takes no disk, but hashing it reads 4 GiB, so a cancel always lands mid-read.
  await writeFile(join(dir, "huge.bin"), "");
  await truncate(join(dir, "huge.bin"), 4 * 1024 ** 3);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const hashers = { "in process": sha256File, "at idle priority": sha256FileIdle };


async function hashingChildren(): Promise<number[]> {
  const pids = await childPids();
  const names = await Promise.all(pids.map(commandOf));
  return pids.filter((_, i) => IDLE_HASH_COMMANDS.has(names[i] ?? ""));
}

describe("sha256", () => {
  it("hashes a file in process and at idle priority to the same digest", async () => {
    const expected = createHash("sha256").update(data).digest("hex");
    const path = join(dir, "-starts-with-dash.bin");
    expect(await sha256File(path)).toBe(expected);
    expect(await sha256FileIdle(path)).toBe(expected);
    const none = createHash("sha256").digest("hex");
    expect([await sha256File(join(dir, "empty.bin")), await sha256FileIdle(join(dir, "empty.bin"))]).toEqual([none, none]);
  });

  it.each(Object.entries(hashers))("refuses a device, a FIFO and a folder before reading (%s)", async (_label, hash) => {
    await expect(hash("/dev/zero")).rejects.toThrow(/^the source is a device, not a regular file: give a media file$/);
    await expect(hash(join(dir, "fifo"))).rejects.toThrow(/the source is a FIFO \(named pipe\), not a regular file/);
    await expect(hash(dir)).rejects.toThrow(/the source is a folder, not a regular file/);
  });

  it.each(Object.entries(hashers))("stops reading at once when cancelled mid-file, leaving no hashing child (%s)", async (_label, hash) => {
    const controller = new AbortController();
    const before = await bytesReadWith(IDLE_HASH_COMMANDS);
    const hashing = hash(join(dir, "huge.bin"), { signal: controller.signal });
    const outcome = hashing.catch((e: unknown) => e);
    await until(async () => ((await bytesReadWith(IDLE_HASH_COMMANDS)) - before > 16 * 1024 * 1024 ? true : undefined), "the hash to be 16 MiB into the file", 60_000, 20);
    controller.abort();
    expect(await outcome).toBeInstanceOf(CancelledError);
    expect(await hashingChildren()).toEqual([]);
    const after = await bytesRead();
    await new Promise((r) => setTimeout(r, 1000)); // "a second later": the file would be read at hundreds of MB/s
    expect((await bytesRead()) - after).toBeLessThan(1024 * 1024);
  });
});
