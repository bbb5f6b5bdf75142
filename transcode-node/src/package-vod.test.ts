// Real packaging with ffmpeg, verified by reading the output back with ffprobe.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffprobeJson, parseMediaPlaylist, videoPackets } from "../../tests/helpers/media.ts";
import { packageVod } from "./package-vod.ts";
import { generateTestPattern } from "./test-pattern.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-package-"));
  await generateTestPattern(join(dir, "h264.mp4"), { seconds: 9, width: 320, height: 180, fps: 25 });
  // MPEG-4 Part 2 video and Opus audio in Matroska: neither plays in browsers, so both are transcoded.
  await generateTestPattern(join(dir, "legacy.mkv"), {
    seconds: 6, width: 320, height: 180, fps: 25,
    videoArgs: ["-c:v", "mpeg4", "-q:v", "5", "-g", "250"],
    audioArgs: ["-c:a", "libopus", "-b:a", "48k"],
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Each segment, read as init + segment: its duration and whether it starts on a keyframe. */
async function readSegments(variantDir: string) {
  const playlist = await readFile(join(variantDir, "index.m3u8"), "utf8");
  const init = await readFile(join(variantDir, "init.mp4"));
  const out = [];
  for (const { uri, duration } of parseMediaPlaylist(playlist)) {
    const joined = join(variantDir, `joined-${uri}.mp4`);
    await writeFile(joined, Buffer.concat([init, await readFile(join(variantDir, uri))]));
    const packets = await videoPackets(joined);
    const probe = await ffprobeJson(joined);
    await rm(joined);
    out.push({ uri, duration, firstIsKey: packets[0]?.key ?? false, codecs: probe.streams.map((s: { codec_name: string }) => s.codec_name) });
  }
  return { playlist, segments: out };
}

describe("packageVod", () => {
  it("remuxes H.264/AAC into fMP4 HLS without re-encoding, segments on keyframes", async () => {
    const out = join(dir, "copy");
    const progress: number[] = [];
    const result = await packageVod({ input: join(dir, "h264.mp4"), outDir: out, onProgress: (p) => progress.push(p.fraction ?? -1) });
    expect(result.plan.video?.mode).toBe("copy");
    expect(result.plan.audio?.mode).toBe("copy");
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(progress.at(-1)).toBe(1);

    const master = await readFile(join(out, "master.m3u8"), "utf8");
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=320x180\nv0\/index\.m3u8/);
    const { playlist, segments } = await readSegments(join(out, "v0"));
    expect(playlist).toContain("#EXT-X-PLAYLIST-TYPE:VOD");
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(segments.map((s) => s.duration)).toEqual([4, 4, 1]);
    for (const s of segments) {
      expect(s.firstIsKey).toBe(true);
      expect(s.codecs).toEqual(["h264", "aac"]);
    }
    const meta = JSON.parse(await readFile(join(out, "meta.json"), "utf8"));
    expect(meta).toMatchObject({ version: 1, sha256: result.sha256, source: { name: "h264.mp4", video: { codec: "h264" } } });
  });

  it("transcodes what browsers cannot play to H.264/AAC, keyframes forced on the 4 s grid", async () => {
    const out = join(dir, "transcoded");
    const result = await packageVod({ input: join(dir, "legacy.mkv"), outDir: out });
    expect(result.plan.video).toMatchObject({ mode: "transcode", reason: "mpeg4 video is not playable in every browser" });
    expect(result.plan.audio).toMatchObject({ mode: "transcode", reason: "opus audio is not playable in every browser" });
    const { segments } = await readSegments(join(out, "v0"));
    expect(segments).toHaveLength(2);
    // Durations match the 4 s target within one frame (25 fps → 0.04 s).
    expect(Math.abs(segments[0]!.duration - 4)).toBeLessThanOrEqual(0.04);
    for (const s of segments) {
      expect(s.firstIsKey).toBe(true);
      expect(s.codecs).toEqual(["h264", "aac"]);
    }
    const audio = (await ffprobeJson(join(out, "v0", "init.mp4"))).streams.find((s: { codec_type: string }) => s.codec_type === "audio");
    expect(audio).toMatchObject({ codec_name: "aac", channels: 2, sample_rate: "48000" });
  });

  it("refuses a non-empty output folder unless forced, and never one that holds something else", async () => {
    const out = join(dir, "occupied");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "thesis.docx"), "precious");
    await expect(packageVod({ input: join(dir, "h264.mp4"), outDir: out })).rejects.toThrow(/is not empty/);
    await expect(packageVod({ input: join(dir, "h264.mp4"), outDir: out, force: true })).rejects.toThrow(/refusing to replace/);
    expect(await readFile(join(out, "thesis.docx"), "utf8")).toBe("precious");
  });

  it("leaves an existing package untouched and no temp folder behind when the new input is bad", async () => {
    const out = join(dir, "keep");
    await packageVod({ input: join(dir, "h264.mp4"), outDir: out });
    const before = await readdir(out, { recursive: true });
    await writeFile(join(dir, "bad.mp4"), "not a video");
    await expect(packageVod({ input: join(dir, "bad.mp4"), outDir: out, force: true })).rejects.toThrow(/not a media file/);
    expect(await readdir(out, { recursive: true })).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.includes("partial"))).toEqual([]);
  });
});
