// The progressive MP4 written with a package, read back with ffprobe: moov before mdat, the chosen
// rung and the default audio, every frame of the rung, the package's A/V offset kept, in fMP4 and TS.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIO_RENDITION, PROGRESSIVE_MP4 } from "@edgestream/contracts";
import { ffprobeJson, videoPackets } from "../../tests/helpers/media.ts";
import { topLevelBoxes } from "../../tests/helpers/mp4-boxes.ts";
import { readMediaPlaylist } from "./media-playlist.ts";
import { packageVod, type PackageResult } from "./package-vod.ts";
import type { Rendition } from "./plan.ts";
import { progressiveRendition } from "./progressive-mp4.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

const rung = (height: number, mode: Rendition["mode"] = "transcode"): Rendition => ({ name: `${height}p`, mode, width: Math.round((height * 16) / 9), height, maxBitrateKbps: 0 });

describe("progressiveRendition", () => {
  it("takes the copied top rung, else 720p, else the tallest below 720p, else the smallest", () => {
    expect(progressiveRendition([rung(1080, "copy"), rung(720), rung(480)])?.name).toBe("1080p");
    expect(progressiveRendition([rung(1080), rung(720), rung(480)])?.name).toBe("720p");
    expect(progressiveRendition([rung(900), rung(540), rung(360)])?.name).toBe("540p");
    expect(progressiveRendition([rung(1440), rung(1080)])?.name).toBe("1080p");
    expect(progressiveRendition([])).toBeUndefined();
  });
});

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-progressive-test-"));
  zoo = await generateZoo(dir, ["ladder", "vp9", "audioOnly"]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Start time of a rendition as the package holds it: its init and segments read as one stream. */
async function renditionStart(folder: string): Promise<number> {
  const { init, segments } = await readMediaPlaylist(folder);
  const parts = [...(init ? [init] : []), ...segments.map((s) => s.uri)].map((p) => join(folder, p));
  return Number((await ffprobeJson(`concat:${parts.join("|")}`)).streams[0].start_time);
}

async function checkProgressive(result: PackageResult, rendition: string, sourceSec: number) {
  const out = join(result.outDir, PROGRESSIVE_MP4);
  expect(result.meta.progressive).toEqual({ file: PROGRESSIVE_MP4, sizeBytes: (await stat(out)).size, rendition });
  const written = JSON.parse(await readFile(join(result.outDir, "meta.json"), "utf8"));
  expect(written.progressive).toEqual(result.meta.progressive);

  const boxes = await topLevelBoxes(out);
  expect(boxes).toContain("moov");
  expect(boxes.indexOf("moov"), `faststart: ${boxes.join(",")}`).toBeLessThan(boxes.indexOf("mdat"));

  const probe = await ffprobeJson(out);
  const video = probe.streams.find((s: { codec_type: string }) => s.codec_type === "video");
  const audio = probe.streams.find((s: { codec_type: string }) => s.codec_type === "audio");
  const planned = result.plan.video!.renditions.find((r) => r.name === rendition)!;
  expect(probe.streams).toHaveLength(2);
  expect([video.codec_name, video.width, video.height]).toEqual(["h264", planned.width, planned.height]);
  expect(audio.codec_name).toBe("aac");
  expect(Math.abs(Number(probe.format.duration) - sourceSec), `duration ${probe.format.duration}`).toBeLessThan(0.15);

  // Every frame of the rung, none twice.
  const { segments } = await readMediaPlaylist(join(result.outDir, rendition));
  let packaged = 0;
  const folder = join(result.outDir, rendition);
  const init = (await readMediaPlaylist(folder)).init;
  for (const s of segments) packaged += (await videoPackets(init ? `concat:${join(folder, init)}|${join(folder, s.uri)}` : join(folder, s.uri))).length;
  expect((await videoPackets(out)).length).toBe(packaged);

  // A/V in sync: the video's lead over the audio is what the HLS package gives a player.
  const packageOffset = (await renditionStart(folder)) - (await renditionStart(join(result.outDir, AUDIO_RENDITION)));
  const mp4Offset = Number(video.start_time) - Number(audio.start_time);
  expect(Math.abs(mp4Offset - packageOffset), `mp4 A/V offset ${mp4Offset} vs package ${packageOffset}`).toBeLessThan(0.002);
}

describe("the progressive MP4 of a package", () => {
  it("fMP4 with a copied top rung: that rung and the default audio, moov first", async () => {
    const result = await packageVod({ input: zoo.ladder, outDir: join(dir, "ladder"), thumbnails: false });
    expect(result.plan.video!.renditions[0]!.mode).toBe("copy");
    await checkProgressive(result, result.plan.video!.renditions[0]!.name, 6);
  }, 120_000);

  it("MPEG-TS with encoded rungs: the ADTS audio becomes MP4 audio, moov first", async () => {
    const result = await packageVod({ input: zoo.vp9, outDir: join(dir, "vp9"), thumbnails: false, segmentType: "ts" });
    expect(result.plan.video!.renditions.every((r) => r.mode === "transcode")).toBe(true);
    await checkProgressive(result, result.plan.video!.renditions[0]!.name, 3);
  }, 120_000);

  it("an audio-only package has none", async () => {
    const result = await packageVod({ input: zoo.audioOnly, outDir: join(dir, "audio"), thumbnails: false });
    expect(result.meta.progressive).toBeNull();
    await expect(stat(join(result.outDir, PROGRESSIVE_MP4))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
