// The fleet's needsTranscode is decided as the job plans: with the aligned plan, so a copyable source
// whose keyframes are too far apart for its lower rungs to follow counts as one to transcode.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { sourceNeedsTranscode } from "./source-needs-transcode.ts";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-needs-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** 854x480 H.264 4:2:0 at 24 fps (a copied 480p top rung and an encoded 360p one under the default ladder). */
async function stored(name: string, gopSeconds: number): Promise<{ storage: ReturnType<typeof createFsStorage>; key: string }> {
  const path = join(dir, name);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=854x480:rate=24", "-t", "20",
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", String(gopSeconds * 24), "-keyint_min", String(gopSeconds * 24), "-sc_threshold", "0", path,
  ]);
  const storage = createFsStorage(join(dir, "storage"));
  await storage.put(`uploads/${name}`, new Uint8Array(await readFile(path)));
  return { storage, key: `uploads/${name}` };
}

describe("sourceNeedsTranscode", () => {
  it("says a copyable source with keyframes 13 s apart needs a transcode, as its job will transcode it", async () => {
    const { storage, key } = await stored("sparse.mp4", 13);
    expect(await sourceNeedsTranscode(storage, key, { workRoot: join(dir, "work"), probeTimeoutMs: 30_000 })).toBe(true);
  }, 60_000);

  it("says a copyable source with a 2 s GOP does not", async () => {
    const { storage, key } = await stored("regular.mp4", 2);
    expect(await sourceNeedsTranscode(storage, key, { workRoot: join(dir, "work"), probeTimeoutMs: 30_000 })).toBe(false);
  }, 60_000);
});
