// Real packaging with ffmpeg of the whole zoo, verified by reading the output back with ffprobe:
// every segment of every rendition starts on a keyframe, durations hit the target within one frame,
// the master playlist's figures match what was written.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffprobeJson, parseMasterPlaylist, readRendition } from "../../tests/helpers/media.ts";
import { isSafeKey, MASTER_PLAYLIST, PACKAGE_META_VERSION } from "@edgestream/contracts";
import { MediaInputError } from "./errors.ts";
import { packageVod, type PackageResult } from "./package-vod.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-package-"));
  zoo = await generateZoo(dir);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every URI a player fetches from a playlist: URI lines and quoted URI attributes. */
function playlistUris(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => (line.startsWith("#") ? [...line.matchAll(/[:,]URI="([^"]*)"/g)].map((m) => m[1]!) : line.trim() ? [line.trim()] : []));
}

const PROFILE_HEX: Record<string, string> = { High: "64", Main: "4D", "Constrained Baseline": "42", Baseline: "42" };

/** Checks every rendition of a package; returns the master's variants with what each segment holds. */
async function verifyPackage(result: PackageResult, fps: number) {
  const out = result.outDir;
  const target = result.plan.segmentSeconds;
  const master = parseMasterPlaylist(await readFile(join(out, "master.m3u8"), "utf8"));
  const audioMedia = master.media.find((m) => m["TYPE"] === "AUDIO");
  const audioUri = audioMedia?.["URI"];
  // meta.json's rendition facts come from ffmpeg's report and the plan, not from reading media back:
  // each is checked here against what ffprobe reads of the files.
  const meta = JSON.parse(await readFile(join(out, "meta.json"), "utf8"));
  const factsOf = (playlist: string) => meta.renditions.find((r: { playlist: string }) => r.playlist === playlist);
  const report = [];
  for (const variant of master.variants) {
    const folder = join(out, variant.uri, "..");
    const { playlist, segments } = await readRendition(folder);
    expect(playlist).toContain("#EXT-X-PLAYLIST-TYPE:VOD");
    expect(segments.length).toBeGreaterThan(0);
    const frame = segments[0]!.streams.some((s) => s.codec_type === "video") ? 1 / fps : 1024 / 44100;
    segments.forEach((s, i) => {
      expect(s.firstIsKey, `${variant.uri} ${s.uri} starts on a keyframe`).toBe(true);
      if (i < segments.length - 1) expect(Math.abs(s.duration - target), `${variant.uri} ${s.uri} duration ${s.duration}`).toBeLessThanOrEqual(frame + 1e-6);
    });
    const v = segments[0]!.streams.find((s) => s.codec_type === "video");
    const bandwidth = Number(variant.attrs["BANDWIDTH"]);
    expect(bandwidth).toBeGreaterThanOrEqual(Number(variant.attrs["AVERAGE-BANDWIDTH"]));
    expect(Number(variant.attrs["AVERAGE-BANDWIDTH"])).toBeGreaterThan(0);
    if (v) {
      expect(v.codec_name).toBe("h264");
      expect(variant.attrs["RESOLUTION"]).toBe(`${v.width}x${v.height}`);
      expect(variant.attrs["CODECS"]).toMatch(new RegExp(`^avc1\\.${PROFILE_HEX[v.profile!]}[0-9A-F]{4}`));
      expect(Number(variant.attrs["FRAME-RATE"])).toBeCloseTo(fps, 2);
      expect(segments.every((s) => s.streams.every((st) => st.codec_type === "video"))).toBe(true);
      expect(factsOf(variant.uri)).toMatchObject({ kind: "video", width: v.width, height: v.height, codecs: variant.attrs["CODECS"]!.split(",")[0], segments: segments.length });
    }
    report.push({ variant, segments, video: v });
  }
  let audio;
  if (audioUri) {
    expect(master.variants.every((v) => v.attrs["AUDIO"] === audioMedia["GROUP-ID"])).toBe(true);
    const { segments } = await readRendition(join(out, audioUri, ".."));
    for (const [i, s] of segments.entries()) {
      expect(s.streams.map((st) => st.codec_name)).toEqual(["aac"]);
      if (i < segments.length - 1) expect(Math.abs(s.duration - target)).toBeLessThanOrEqual(1024 / 44100 + 1e-6);
    }
    audio = segments[0]!.streams[0]!;
    expect(factsOf(audioUri)).toMatchObject({ kind: "audio", channels: audio.channels, codecs: "mp4a.40.2", segments: segments.length });
    for (const v of master.variants) expect(v.attrs["CODECS"]).toMatch(/,mp4a\.40\.2$/);
  }
  expect(meta).toMatchObject({ version: PACKAGE_META_VERSION, relativeUris: true, sha256: result.sha256, segmentSeconds: target, segmentType: result.plan.segmentType });
  // relativeUris is a promise the worker relies on (it serves these playlists unrewritten, the token
  // in the path): every URI in them is a plain key below the package's prefix.
  const playlists = [MASTER_PLAYLIST, ...master.variants.map((v) => v.uri), ...(audioUri ? [audioUri] : [])];
  for (const playlist of playlists) {
    const folder = playlist.includes("/") ? playlist.slice(0, playlist.lastIndexOf("/") + 1) : "";
    for (const uri of playlistUris(await readFile(join(out, playlist), "utf8"))) expect(isSafeKey(folder + uri), `${playlist}: ${uri}`).toBe(true);
  }
  return { master, report, audio, meta };
}

describe("packageVod over the zoo", () => {
  it("copies H.264/AAC without re-encoding, fMP4, audio in its own group, thumbnails for scrubbing", async () => {
    const progress: number[] = [];
    const result = await packageVod({ input: zoo.h264, outDir: join(dir, "out-h264"), onProgress: (p) => progress.push(p.fraction ?? -1) });
    expect(result.plan.video?.renditions).toEqual([{ name: "180p", mode: "copy", width: 320, height: 180, maxBitrateKbps: 0 }]);
    expect(result.meta.encoder).toBeNull();
    expect(progress.at(-1)).toBe(1);
    const { report, audio, meta } = await verifyPackage(result, 25);
    expect(report[0]!.segments.map((s) => s.duration)).toEqual([4, 2]);
    expect(audio).toMatchObject({ codec_name: "aac", sample_rate: "48000" });

    // Thumbnails: one per 4 s segment (0 s and 4 s) on a 10x10 sheet of 160x90 cells, and a poster.
    expect(meta.thumbnails).toMatchObject({ intervalSec: 4, width: 160, height: 90, count: 2, sprites: ["thumbnails/sprite-001.jpg"] });
    const sprite = (await ffprobeJson(join(result.outDir, "thumbnails", "sprite-001.jpg"))).streams[0];
    expect([sprite.width, sprite.height]).toEqual([1600, 900]);
    const poster = (await ffprobeJson(join(result.outDir, "thumbnails", "poster.jpg"))).streams[0];
    expect([poster.codec_name, poster.width, poster.height]).toEqual(["mjpeg", 320, 180]);
    const vtt = await readFile(join(result.outDir, "thumbnails", "thumbnails.vtt"), "utf8");
    expect(vtt).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nsprite-001.jpg#xywh=0,0,160,90\n\n00:00:04.000 --> 00:00:06.000\nsprite-001.jpg#xywh=160,0,160,90\n");
  });

  it("encodes without waiting for the content hash, and records the source's SHA-256 hashed beside the encode", async () => {
    const digest = createHash("sha256").update(await readFile(zoo.h264)).digest("hex");
    // A hash that only arrives once ffmpeg reports progress: packaging that waited for it would never finish.
    let release!: (sha256: string) => void;
    const hash = new Promise<string>((resolve) => (release = resolve));
    const order: string[] = [];
    const given = await packageVod({
      input: zoo.h264, outDir: join(dir, "out-hash-late"), thumbnails: false, sha256: hash,
      onProgress: () => {
        if (order.length === 0) order.push("encoding", "hash released");
        release(digest);
      },
    });
    expect(order).toEqual(["encoding", "hash released"]);
    expect(given.meta.sha256).toBe(digest);
    // Without a given hash the node computes it (a child at idle priority) and records the same digest.
    const own = await packageVod({ input: zoo.h264, outDir: join(dir, "out-hash-own"), thumbnails: false });
    expect([own.sha256, own.meta.sha256]).toEqual([digest, digest]);
  });

  it("packages a three-rung ladder in one run: top rung copied, lower rungs encoded on the segment grid", async () => {
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "out-ladder"), ladder: [360, 240, 180], hwaccel: "software" });
    expect(result.plan.video?.renditions.map((r) => [r.name, r.mode, r.width, r.height])).toEqual([
      ["360p", "copy", 640, 360],
      ["240p", "transcode", 426, 240],
      ["180p", "transcode", 320, 180],
    ]);
    const { master, report } = await verifyPackage(result, 25);
    expect(master.variants.map((v) => v.attrs["RESOLUTION"])).toEqual(["640x360", "426x240", "320x180"]);
    // Rungs are ordered by size and each declares more bandwidth than the one below.
    const bw = master.variants.map((v) => Number(v.attrs["BANDWIDTH"]));
    expect(bw[0]).toBeGreaterThan(bw[1]!);
    expect(bw[1]).toBeGreaterThan(bw[2]!);
    // Every rung cuts at the same instants, so a player can switch at any segment.
    const grids = report.map((r) => r.segments.map((s) => s.duration));
    for (const g of grids) expect(g).toEqual(grids[0]);
  });

  it("writes MPEG-TS segments when asked", async () => {
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "out-ts"), ladder: [360, 180], segmentType: "ts", segmentSeconds: 2, thumbnails: false });
    const { master } = await verifyPackage(result, 25);
    expect(master.variants).toHaveLength(2);
    const files = await readdir(join(result.outDir, "180p"));
    expect(files.filter((f) => f.endsWith(".ts"))).toHaveLength(3);
    expect(files.some((f) => f.endsWith(".mp4") || f.endsWith(".m4s"))).toBe(false);
    expect(result.meta.thumbnails).toBeNull();
  });

  it("tone-maps HEVC 10-bit HDR10 to 8-bit SDR BT.709 H.264 and downmixes 5.1 E-AC-3 to stereo AAC 48 kHz", async () => {
    const result = await packageVod({ input: zoo.hevcHdr, outDir: join(dir, "out-hdr") });
    expect(result.info.video).toMatchObject({ codec: "hevc", bitDepth: 10, hdr: "pq" });
    expect(result.plan.video?.toneMap).toEqual({ transfer: "pq", primaries: "bt2020", matrix: "bt2020nc" });
    const { report, audio } = await verifyPackage(result, 25);
    expect(report[0]!.video).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p", profile: "High", width: 320, height: 180 });
    expect((report[0]!.video as { color_transfer?: string }).color_transfer ?? "bt709").toBe("bt709");
    expect(audio).toMatchObject({ codec_name: "aac", channels: 2, sample_rate: "48000" });
  });

  it("transcodes VP9/Opus WebM", async () => {
    const result = await packageVod({ input: zoo.vp9, outDir: join(dir, "out-vp9") });
    expect(result.plan.video?.reason).toBe("vp9 video is not playable in every browser");
    const { audio } = await verifyPackage(result, 25);
    expect(audio).toMatchObject({ codec_name: "aac", channels: 2 });
  });

  it("makes an odd-sized silent clip even and packages it without an audio group", async () => {
    const result = await packageVod({ input: zoo.oddNoAudio, outDir: join(dir, "out-odd") });
    const { master, report } = await verifyPackage(result, 25);
    expect(master.media).toEqual([]);
    expect(master.variants[0]!.attrs["AUDIO"]).toBeUndefined();
    expect(master.variants[0]!.attrs["CODECS"]).not.toContain("mp4a");
    expect(report[0]!.video).toMatchObject({ width: 162, height: 92 });
  });

  it("turns a rotated phone clip upright", async () => {
    const result = await packageVod({ input: zoo.rotated, outDir: join(dir, "out-rotated") });
    expect(result.info.video?.rotation === 90 || result.info.video?.rotation === 270).toBe(true);
    const { report } = await verifyPackage(result, 30);
    // Upright pixels and no display matrix left for a player to apply a second time.
    expect(report[0]!.video).toMatchObject({ width: 180, height: 320 });
    expect((report[0]!.video as { side_data_list?: { rotation?: number }[] }).side_data_list?.find((d) => d.rotation)).toBeUndefined();
  });

  it("gives a VFR source a constant frame rate so segments land on the grid", async () => {
    const result = await packageVod({ input: zoo.vfr, outDir: join(dir, "out-vfr"), segmentSeconds: 1 });
    expect(result.info.video?.vfr).toBe(true);
    expect(result.plan.video).toMatchObject({ forceConstantRate: true, frameRate: "24000/1001" });
    const { report } = await verifyPackage(result, 24000 / 1001);
    expect(report[0]!.segments.length).toBeGreaterThanOrEqual(2);
  });

  it("re-encodes H.264 4:4:4 to High 4:2:0", async () => {
    const result = await packageVod({ input: zoo.yuv444, outDir: join(dir, "out-444") });
    expect(result.plan.video?.reason).toBe("yuv444p H.264 is not browser-safe");
    const { report } = await verifyPackage(result, 25);
    expect(report[0]!.video).toMatchObject({ pix_fmt: "yuv420p", profile: "High" });
  });

  it("packages an audio-only source as audio-only HLS", async () => {
    const result = await packageVod({ input: zoo.audioOnly, outDir: join(dir, "out-audio") });
    expect(result.plan).toMatchObject({ video: null, audio: { mode: "copy", codecs: "mp4a.40.2" } });
    const { master } = await verifyPackage(result, 25);
    expect(master.variants).toEqual([{ attrs: expect.objectContaining({ CODECS: "mp4a.40.2" }), uri: "audio/index.m3u8" }]);
    expect(master.variants[0]!.attrs["RESOLUTION"]).toBeUndefined();
    const { segments } = await readRendition(join(result.outDir, "audio"));
    expect(segments.map((s) => s.streams[0]!.codec_name)).toEqual(["aac", "aac"]);
    expect(result.meta.thumbnails).toBeNull();
  });

  it.each([
    ["an empty file", "empty", /input is empty \(0 bytes\)/],
    ["a truncated file", "truncated", /input is truncated or incomplete \(moov atom not found\)/],
    ["random bytes", "random", /not a media file ffmpeg can read \(.+\)/],
    ["a text file", "text", /not a media file ffmpeg can read \(.+\)/],
  ] as const)("fails clearly for %s and leaves nothing behind", async (_label, key, message) => {
    const out = join(dir, `out-bad-${key}`);
    const error = await packageVod({ input: zoo[key], outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
    expect((await readdir(dir)).filter((name) => name.includes(`out-bad-${key}`))).toEqual([]);
  });

  it("refuses a non-empty output folder unless forced, and never one that holds something else", async () => {
    const out = join(dir, "occupied");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "thesis.docx"), "precious");
    await expect(packageVod({ input: zoo.h264, outDir: out })).rejects.toThrow(/is not empty/);
    await expect(packageVod({ input: zoo.h264, outDir: out, force: true })).rejects.toThrow(/refusing to replace/);
    expect(await readFile(join(out, "thesis.docx"), "utf8")).toBe("precious");
  });

  it("leaves an existing package untouched when the new input is bad", async () => {
    const out = join(dir, "out-h264");
    const before = await readdir(out, { recursive: true });
    await expect(packageVod({ input: zoo.text, outDir: out, force: true })).rejects.toThrow(/not a media file/);
    expect(await readdir(out, { recursive: true })).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.includes("partial"))).toEqual([]);
  });
});
