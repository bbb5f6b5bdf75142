// Rungs that switch cleanly: a copied top rung and the encoded rungs below it cut at the same times.
// Real ffmpeg packages small generated sources; the playlists and segments are read back with ffprobe.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEDIA_PLAYLIST } from "@edgestream/contracts";
import { parseMediaPlaylist, videoPackets } from "../../tests/helpers/media.ts";
import { buildPackageArgs } from "./ffmpeg-args.ts";
import { cutPlan, hlsCutTicks, KeyframeReadError, readKeyframes } from "./keyframes.ts";
import { probe } from "./probe.ts";
import { packageVod, type PackageResult } from "./package-vod.ts";
import { forcedKeyframes, judgeCuts, MAX_CUTS, MAX_GAP_SEGMENTS, needsAlignment, planAlignedPackage } from "./rung-alignment.ts";

const run = promisify(execFile);
const FPS = 24;
const FRAME = 1 / FPS;
const LADDER = [360, 270, 180];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-align-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** 640x360 H.264 4:2:0 at 24 fps with a keyframe every `gop` frames (B-frames on) and AAC: copyable. */
async function source(name: string, gop: number, extra: string[] = []): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=640x360:rate=${FPS}`, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0",
    "-pix_fmt", "yuv420p", ...extra, "-c:a", "aac", "-b:a", "64k", "-shortest", path,
  ]);
  return path;
}

async function pack(input: string, name: string): Promise<PackageResult> {
  return packageVod({ input, outDir: join(dir, name), ladder: LADDER, segmentSeconds: 4, hwaccel: "software", thumbnails: false });
}

/** Each segment of one rendition: its EXTINF and the first video PTS ffprobe reads (init + segment, as a player appends them). */
async function segmentsOf(folder: string): Promise<{ duration: number; firstPts: number; key: boolean }[]> {
  const text = await readFile(join(folder, MEDIA_PLAYLIST), "utf8");
  const playlist = parseMediaPlaylist(text);
  const init = await readFile(join(folder, /#EXT-X-MAP:URI="([^"]+)"/.exec(text)![1]!));
  const out = [];
  for (const { uri, duration } of playlist) {
    const joined = join(folder, `.joined-${uri}.mp4`);
    await writeFile(joined, Buffer.concat([init, await readFile(join(folder, uri))]));
    try {
      const packets = await videoPackets(joined);
      out.push({ duration, firstPts: Math.min(...packets.map((p) => p.ptsTime)), key: packets[0]!.key });
    } finally {
      await rm(joined, { force: true });
    }
  }
  return out;
}

/**
 * Every video rung has the same segments: count, EXTINF and first PTS within half a frame (one frame
 * off is a different cut). `sameOrigin: false` compares each segment's start from its rung's first
 * frame instead, and skips the last segment's length: encoded rungs are re-timed on the output frame
 * grid, so a source whose timestamps sit off it (Matroska's milliseconds) has every encoded frame up
 * to half a frame from the copy's, and its last frame a grid frame's length.
 */
async function expectAligned(result: PackageResult, { sameOrigin = true } = {}): Promise<{ duration: number; firstPts: number }[]> {
  const rungs = result.plan.video!.renditions;
  expect(rungs.map((r) => r.name)).toEqual(["360p", "270p", "180p"]);
  const [top, ...rest] = await Promise.all(rungs.map((r) => segmentsOf(join(result.outDir, r.name))));
  for (const [i, segments] of rest.entries()) {
    const name = rungs[i + 1]!.name;
    expect(segments.length, `${name} segment count`).toBe(top!.length);
    const shift = sameOrigin ? 0 : segments[0]!.firstPts - top![0]!.firstPts;
    segments.forEach((s, j) => {
      expect(s.key, `${name} segment ${j} starts on a keyframe`).toBe(true);
      // Re-timed frames also end the stream differently (the copy's last frame keeps its own length).
      const last = j === segments.length - 1;
      if (sameOrigin || !last) expect(Math.abs(s.duration - top![j]!.duration), `${name} segment ${j}: ${s.duration} s against ${top![j]!.duration} s`).toBeLessThan(FRAME / 2);
      const start = s.firstPts - shift;
      expect(Math.abs(start - top![j]!.firstPts), `${name} segment ${j} starts at ${start} against ${top![j]!.firstPts}`).toBeLessThan(FRAME / 2);
    });
  }
  return top!;
}

describe("the hls muxer's cut rule", () => {
  const tb = { num: 1, den: 12288 };
  const ticks = (seconds: number[]) => ({ keyframes: seconds.map((s) => s * tb.den), timeBase: tb, formatStartSec: 0 });

  it("cuts at the first keyframe at or past each multiple of hls_time from the start, not from the last cut", () => {
    const gop = ticks(Array.from({ length: 12 }, (_, i) => i * 2.5));
    expect(hlsCutTicks(gop, 4).map((t) => t / tb.den)).toEqual([5, 10, 12.5, 17.5, 20, 25]);
  });

  it("counts one boundary per cut after a long gap, as the muxer does", () => {
    expect(hlsCutTicks(ticks([0, 10, 11, 12, 13]), 4).map((t) => t / tb.den)).toEqual([10, 11, 12]);
  });

  it("takes the container's start off every cut and measures the longest stretch to the end", () => {
    const plan = cutPlan({ ...ticks([1.5, 4, 6.5, 9]), formatStartSec: 1.5 }, 4, 20);
    expect(plan.cuts).toEqual([5]);
    expect(plan.longestGapSec).toBe(15);
  });

  it("follows cuts up to the gap and count limits, and names why beyond them", () => {
    expect(judgeCuts({ cuts: [5, 10], longestGapSec: MAX_GAP_SEGMENTS * 4 }, 4)).toEqual({ cuts: { cuts: [5, 10], longestGapSec: 12 } });
    expect(judgeCuts({ cuts: [13], longestGapSec: 13 }, 4)).toEqual({ reason: "keyframes up to 13.0 s apart (segments of 4 s need them closer)" });
    const many = Array.from({ length: MAX_CUTS + 1 }, (_, i) => i + 1);
    expect(judgeCuts({ cuts: many, longestGapSec: 1 }, 1)).toEqual({ reason: `${MAX_CUTS + 1} segments are more than ${MAX_CUTS} aligned cut points` });
  });
});

describe("rungs of one package cut together", () => {
  it("keys the encoded rungs on a copied top rung's cut points when its GOP is off the grid (2.5 s at 24 fps, 4 s segments)", async () => {
    const input = await source("off-grid.mp4", 60);
    expect(await readKeyframes(input).then((k) => k.keyframes.length)).toBe(8);
    const result = await pack(input, "off-grid");
    expect(result.plan.video!.renditions.map((r) => r.mode)).toEqual(["copy", "transcode", "transcode"]);
    expect(result.plan.video!.alignedCuts!.cuts).toEqual([5, 10, 12.5, 17.5]);
    const top = await expectAligned(result);
    expect(top.map((s) => s.duration)).toEqual([5, 5, 2.5, 5, 2.5]);
  }, 180_000);

  it("keys on the copy's own frames when a Matroska source's millisecond timestamps sit off the frame grid", async () => {
    const input = await source("off-grid.mkv", 60);
    const result = await pack(input, "off-grid-mkv");
    expect(result.plan.video!.renditions.map((r) => r.mode)).toEqual(["copy", "transcode", "transcode"]);
    const top = await expectAligned(result, { sameOrigin: false });
    expect(top.map((s) => s.duration).slice(0, 4)).toEqual([5, 5, 2.5, 5]);
  }, 180_000);

  it("still cuts on the 4 s grid when the copied source's GOP is on it", async () => {
    const result = await pack(await source("on-grid.mp4", 96), "on-grid");
    expect(result.plan.video!.renditions[0]!.mode).toBe("copy");
    expect(result.plan.video!.alignedCuts!.cuts).toEqual([4, 8, 12, 16]);
    const top = await expectAligned(result);
    expect(top.map((s) => s.duration)).toEqual([4, 4, 4, 4, 4]);
  }, 180_000);

  it("transcodes the top rung too when the source's keyframes are too far apart, and every rung cuts on the grid", async () => {
    const result = await pack(await source("sparse-keys.mp4", 13 * FPS), "sparse-keys");
    expect(result.plan.video!.renditions.map((r) => r.mode)).toEqual(["transcode", "transcode", "transcode"]);
    expect(result.plan.video!.reason).toBe("keyframes up to 13.0 s apart (segments of 4 s need them closer)");
    expect(result.plan.video!.alignedCuts).toBeUndefined();
    const top = await expectAligned(result);
    expect(top.map((s) => s.duration)).toEqual([4, 4, 4, 4, 4]);
  }, 180_000);

  it("leaves an all-transcoded package on the segment grid without reading keyframes", async () => {
    const result = await pack(await source("yuv444.mp4", 60, ["-pix_fmt", "yuv444p"]), "yuv444");
    expect(needsAlignment(result.plan)).toBe(false);
    expect(result.plan.video!.alignedCuts).toBeUndefined();
    expect(buildPackageArgs("in.mp4", "out", result.plan)).toContain("expr:gte(t,n_forced*4)");
    const top = await expectAligned(result);
    expect(top.map((s) => s.duration)).toEqual([4, 4, 4, 4, 4]);
  }, 180_000);
});

describe("reading a stranger's keyframes", () => {
  it("stops the read past the keyframe limit and says why", async () => {
    const input = await source("many-keys.mp4", 24);
    await expect(readKeyframes(input, { maxKeyframes: 5 })).rejects.toThrow(new KeyframeReadError("it has more than 5 keyframes"));
  }, 60_000);

  it("answers a file that is not media with a reason that names no path", async () => {
    const notes = join(dir, "notes.mp4");
    await writeFile(notes, "not a video at all\n".repeat(100));
    const error = await readKeyframes(notes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyframeReadError);
    expect((error as Error).message).toMatch(/^ffprobe could not read its packets \(/);
    expect((error as Error).message).not.toContain(dir);
  });

  it("transcodes the top rung when the keyframes cannot be read", async () => {
    const input = await source("unreadable-keys.mp4", 60);
    const info = await probe(input);
    const plan = await planAlignedPackage(input, info, { ladder: LADDER }, { maxKeyframes: 2 });
    expect(plan.video!.renditions.map((r) => r.mode)).toEqual(["transcode", "transcode", "transcode"]);
    expect(plan.video!.reason).toBe("its keyframes could not be read (it has more than 2 keyframes)");
  }, 60_000);
});

describe("forced keyframes in the packaging args", () => {
  it("gives each encoded rung the cut times and a GOP ceiling past the longest stretch", () => {
    const video = { fps: 24, alignedCuts: { cuts: [5, 10, 12.5, 17.5], longestGapSec: 5 } } as Parameters<typeof forcedKeyframes>[0];
    expect(forcedKeyframes(video)).toEqual({ times: ["4.9833", "9.9833", "12.4833", "17.4833"], maxGopFrames: 121 });
  });
});
