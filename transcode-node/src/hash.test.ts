import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256File, sha256FileIdle } from "./hash.ts";

let dir: string;
const data = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 7) % 256);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-hash-"));
  await writeFile(join(dir, "-starts-with-dash.bin"), data);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("sha256", () => {
  it("hashes a file in process and at idle priority to the same digest", async () => {
    const expected = createHash("sha256").update(data).digest("hex");
    const path = join(dir, "-starts-with-dash.bin");
    expect(await sha256File(path)).toBe(expected);
    expect(await sha256FileIdle(path)).toBe(expected);
  });
});
