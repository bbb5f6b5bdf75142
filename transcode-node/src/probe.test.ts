// Real ffprobe on clips generated here.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaInputError } from "./errors.ts";
import { probe } from "./probe.ts";
import { generateTestPattern } from "./test-pattern.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-probe-"));
  await generateTestPattern(join(dir, "clip.mp4"), { seconds: 2, width: 160, height: 90 });
  await generateTestPattern(join(dir, "silent.mp4"), { seconds: 1, width: 162, height: 92, audio: false });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("probe", () => {
  it("reads streams, codecs, size and duration of a real clip", async () => {
    const info = await probe(join(dir, "clip.mp4"));
    expect(info.durationSec).toBeCloseTo(2, 1);
    expect(info.video).toMatchObject({ codec: "h264", pixFmt: "yuv420p", bitDepth: 8, width: 160, height: 90, frameRate: 30, rotation: 0 });
    expect(info.audio).toMatchObject({ codec: "aac", channels: 1, sampleRate: 48000 });
  });

  it("reports a clip without audio as video only", async () => {
    const info = await probe(join(dir, "silent.mp4"));
    expect(info.audio).toBeUndefined();
    expect(info.video).toMatchObject({ width: 162, height: 92 });
  });

  it.each([
    ["a missing file", "missing.mp4", null, /input not found/],
    ["an empty file", "empty.mp4", "", /input is empty \(0 bytes\)/],
    ["a text file", "notes.txt", "just some words\n", /not a media file ffmpeg can read/],
    ["random bytes", "noise.mp4", "random", /not a media file ffmpeg can read/],
  ])("fails clearly for %s", async (_label, name, content, message) => {
    const path = join(dir, name);
    if (content === "random") await writeFile(path, crypto.getRandomValues(new Uint8Array(64 * 1024)));
    else if (content !== null) await writeFile(path, content);
    await expect(probe(path)).rejects.toThrow(message);
    await expect(probe(path)).rejects.toBeInstanceOf(MediaInputError);
  });

  it("fails clearly for a truncated file whose index is gone", async () => {
    const whole = await readFile(join(dir, "clip.mp4"));
    const path = join(dir, "truncated.mp4");
    await writeFile(path, whole.subarray(0, Math.floor(whole.length / 3)));
    await expect(probe(path)).rejects.toThrow(/not a media file ffmpeg can read|cannot tell the duration/);
  });
});
