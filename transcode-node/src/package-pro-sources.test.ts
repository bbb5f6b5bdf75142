// Camera, editor and broadcast sources packaged for real, then played back the way a client does:
// ffprobe reads the master playlist over the HLS demuxer and decodes every frame of every rung and
// of the audio. Each must come out as 8-bit 4:2:0 H.264 + AAC, as long as its source.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER_PLAYLIST } from "@edgestream/contracts";
import { packageVod } from "./package-vod.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

const run = promisify(execFile);
const SOURCES = ["h264422p10", "h264422", "prores", "dnxhrMov", "dnxhrMxf", "interlaced", "av1"] as const;

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-pro-"));
  zoo = await generateZoo(dir, [...SOURCES]);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

interface PlayedStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  field_order?: string;
  nb_read_frames?: string;
}

/** Decodes every frame of every stream the master names (ffprobe as an HLS client). */
async function play(master: string): Promise<{ streams: PlayedStream[]; durationSec: number }> {
  const { stdout } = await run("ffprobe", [
    "-v", "error", "-count_frames",
    "-show_entries", "stream=codec_type,codec_name,profile,pix_fmt,width,height,field_order,nb_read_frames:format=duration",
    "-of", "json", master,
  ], { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as { streams: PlayedStream[]; format: { duration: string } };
  return { streams: json.streams, durationSec: Number(json.format.duration) };
}

describe("packageVod over camera, editor and broadcast sources", () => {
  it.each([
    ["H.264 High 4:2:2 10-bit", "h264422p10", "yuv422p10le H.264 is not browser-safe"],
    ["H.264 High 4:2:2 8-bit", "h264422", "yuv422p H.264 is not browser-safe"],
    ["ProRes + PCM s24le in MOV", "prores", "prores video is not playable in every browser"],
    ["DNxHR + PCM s16le in MOV", "dnxhrMov", "dnxhd video is not playable in every browser"],
    ["DNxHR + PCM s16le in MXF", "dnxhrMxf", "dnxhd video is not playable in every browser"],
    ["interlaced MPEG-2 + AC-3 in MPEG-TS", "interlaced", "mpeg2video video is not playable in every browser"],
    ["AV1 + AAC in MP4", "av1", "av1 video is not playable in every browser"],
  ] as const)("packages %s as playable 8-bit 4:2:0 H.264 + AAC", async (_label, key, reason) => {
    const result = await packageVod({ input: zoo[key], outDir: join(dir, `out-${key}`), ladder: [180, 90], segmentSeconds: 1, thumbnails: false });
    expect(result.plan.video?.reason).toBe(reason);
    expect(result.plan.video?.renditions.map((r) => `${r.name} ${r.mode}`)).toEqual(["180p transcode", "90p transcode"]);

    const played = await play(join(result.outDir, MASTER_PLAYLIST));
    const videos = played.streams.filter((s) => s.codec_type === "video");
    const audios = played.streams.filter((s) => s.codec_type === "audio");
    expect(videos.map((v) => `${v.width}x${v.height}`).sort()).toEqual(["160x90", "320x180"]);
    expect(audios.length).toBeGreaterThan(0);
    for (const v of videos) {
      expect(v).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p" });
      expect(["High", "Main", "Constrained Baseline"]).toContain(v.profile);
      // 25 frames a second for the source's 2 s, every one decoded.
      expect(Number(v.nb_read_frames)).toBe(50);
    }
    for (const a of audios) {
      expect(a.codec_name).toBe("aac");
      expect(Number(a.nb_read_frames)).toBeGreaterThan(0);
    }
    expect(Math.abs(played.durationSec - result.info.durationSec)).toBeLessThan(0.1);
  }, 120_000);

  it("deinterlaces an interlaced source: the frames it writes have no combing left", async () => {
    const result = await packageVod({ input: zoo.interlaced, outDir: join(dir, "out-deinterlaced"), ladder: [180], thumbnails: false });
    expect(result.info.video?.interlaced).toBe(true);
    expect(result.plan.video?.deinterlace).toBe(true);
    // idet reads the source's 50 frames as top-field-first; scaled without deinterlacing, the
    // output reads the same. Deinterlaced, nearly every frame is progressive.
    const source = await fieldsOf(zoo.interlaced);
    expect(source.tff).toBeGreaterThan(source.progressive);
    const out = await fieldsOf(join(result.outDir, "180p", "index.m3u8"));
    expect(out.progressive).toBeGreaterThan(4 * (out.tff + out.bff));
  }, 120_000);
});

/** ffmpeg's idet filter over every frame: how many look interlaced (and which field first) and how many progressive. */
async function fieldsOf(input: string): Promise<{ tff: number; bff: number; progressive: number }> {
  const { stderr } = await run("ffmpeg", ["-hide_banner", "-nostats", "-i", input, "-map", "0:v:0", "-vf", "idet", "-f", "null", "-"]);
  const m = /Multi frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+)/.exec(stderr);
  if (!m) throw new Error(`idet printed no summary: ${stderr.slice(-300)}`);
  return { tff: Number(m[1]), bff: Number(m[2]), progressive: Number(m[3]) };
}
