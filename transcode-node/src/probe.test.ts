// Real ffprobe on the zoo generated here.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaInputError } from "./errors.ts";
import { InputRefusedError, PLAYLIST_MESSAGE } from "./input-policy.ts";
import { HOSTILE_KINDS, hostileSource } from "./testing/hostile.ts";
import { probe, toMediaInfo } from "./probe.ts";
import { generateZoo, type ZOO } from "./testing/zoo.ts";

let dir: string;
let zoo: Record<keyof typeof ZOO, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-probe-"));
  zoo = await generateZoo(dir, ["h264", "hevcHdr", "vp9", "oddNoAudio", "rotated", "vfr", "yuv444", "audioOnly", "empty", "truncated", "random", "text"]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("probe", () => {
  it("reads streams, codecs, profile, pixel format, rate and duration of H.264/AAC", async () => {
    const info = await probe(zoo.h264);
    expect(info.durationSec).toBeCloseTo(6, 1);
    expect(info.video).toMatchObject({ codec: "h264", pixFmt: "yuv420p", bitDepth: 8, chroma: "420", width: 320, height: 180, frameRate: 25, vfr: false, rotation: 0 });
    expect(info.video?.hdr).toBeUndefined();
    expect(info.audio).toMatchObject({ codec: "aac", profile: "LC", channels: 1, channelLayout: "mono", sampleRate: 48000 });
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(["video:h264", "audio:aac"]);
  });

  it("sees 10-bit HDR10 HEVC and 5.1 E-AC-3", async () => {
    const info = await probe(zoo.hevcHdr);
    expect(info.video).toMatchObject({ codec: "hevc", profile: "Main 10", bitDepth: 10, pixFmt: "yuv420p10le", hdr: "pq", colorTransfer: "smpte2084", colorPrimaries: "bt2020", colorSpace: "bt2020nc" });
    expect(info.audio).toMatchObject({ codec: "eac3", channels: 6, channelLayout: "5.1(side)" });
  });

  it("reads rotation from the display matrix, VFR timing, 4:4:4 chroma, odd sizes, VP9/Opus", async () => {
    expect([90, 270]).toContain((await probe(zoo.rotated)).video?.rotation);
    expect((await probe(zoo.vfr)).video).toMatchObject({ vfr: true });
    expect((await probe(zoo.yuv444)).video).toMatchObject({ chroma: "444", pixFmt: "yuv444p", profile: "High 4:4:4 Predictive" });
    const odd = await probe(zoo.oddNoAudio);
    expect(odd.video).toMatchObject({ codec: "mpeg4", width: 161, height: 91 });
    expect(odd.audio).toBeUndefined();
    const webm = await probe(zoo.vp9);
    expect([webm.video?.codec, webm.audio?.codec]).toEqual(["vp9", "opus"]);
  });

  it("reports an audio-only source", async () => {
    const info = await probe(zoo.audioOnly);
    expect(info.video).toBeUndefined();
    expect(info.audio).toMatchObject({ codec: "aac", sampleRate: 44100 });
  });

  it.each([
    ["a missing file", "missing", /input not found/],
    ["an empty file", "empty", /input is empty \(0 bytes\)/],
    ["a truncated MP4", "truncated", /input is truncated or incomplete \(moov atom not found\)/],
    ["random bytes", "random", /not a media file ffmpeg can read \(.+\)/],
    ["a text file", "text", /not a media file ffmpeg can read \(.+\)/],
  ] as const)("fails clearly for %s", async (_label, key, message) => {
    const path = key === "missing" ? join(dir, "missing.mp4") : zoo[key];
    const error = await probe(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaInputError);
    expect((error as Error).message).toMatch(message);
  });

  it.each(HOSTILE_KINDS)("refuses an %s playlist (naming a real clip, or the network), in words that name no path", async (kind) => {
    const path = join(dir, `upload-${kind}`);
    await writeFile(path, hostileSource(kind, zoo.h264));
    const error = await probe(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputRefusedError);
    expect(error).toMatchObject({ code: "playlist_input", message: PLAYLIST_MESSAGE });
  });

  it("refuses a format that is not a video container (a GIF) by name, and accepts it nowhere else", async () => {
    const path = join(dir, "upload-gif");
    const { execFileSync } = await import("node:child_process");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=32x32:rate=5:duration=1", "-f", "gif", path]);
    await expect(probe(path)).rejects.toMatchObject({ code: "unsupported_format", message: expect.stringMatching(/^this file's format \(gif\) is not a video format we accept/) });
  });

  it("never names a server path in an error", async () => {
    for (const key of ["empty", "truncated", "random", "text"] as const) {
      const error = (await probe(zoo[key]).catch((e: unknown) => e)) as Error;
      expect(error.message).not.toContain(dir);
    }
    expect(((await probe(join(dir, "missing.mp4")).catch((e: unknown) => e)) as Error).message).not.toContain(dir);
  });

  it("bounds the probe time: a probe that overruns is killed with a clear error", async () => {
    // 1 ms is less than any ffprobe needs to start, so this always overruns (no wall-clock threshold).
    await expect(probe(zoo.h264, { timeoutMs: 1 })).rejects.toThrow(/took too long: is it a real media file\?/);
  });

  it("reads interlacing from field_order (pure)", () => {
    const info = (field_order?: string) =>
      toMediaInfo({ streams: [{ index: 0, codec_type: "video", codec_name: "mpeg2video", width: 720, height: 576, ...(field_order ? { field_order } : {}) }], format: { duration: "1" } }, 10).video;
    for (const order of ["tt", "bb", "tb", "bt"]) expect(info(order)?.interlaced, order).toBe(true);
    for (const order of ["progressive", "unknown", undefined]) expect(info(order)?.interlaced, String(order)).toBeUndefined();
  });

  it("refuses a file without a picture size or duration (pure)", () => {
    expect(() => toMediaInfo({ streams: [{ index: 0, codec_type: "video", codec_name: "h264" }], format: { duration: "1" } }, 10)).toThrow(/no picture size/);
    expect(() => toMediaInfo({ streams: [{ index: 0, codec_type: "audio", codec_name: "aac" }], format: {} }, 10)).toThrow(/cannot tell the duration/);
    expect(() => toMediaInfo({ streams: [{ index: 0, codec_type: "subtitle", codec_name: "subrip" }], format: { duration: "1" } }, 10)).toThrow(/no audio or video stream/);
  });

  it("lists every audio stream (default first) and every subtitle stream with language, title and dispositions (pure)", () => {
    const info = toMediaInfo(
      {
        format: { duration: "6" },
        streams: [
          { index: 0, codec_type: "video", codec_name: "h264", width: 320, height: 180 },
          { index: 1, codec_type: "audio", codec_name: "aac", channels: 2, sample_rate: "48000", tags: { language: "eng", title: "Commentary" }, disposition: { default: 0, comment: 1 } },
          { index: 2, codec_type: "audio", codec_name: "ac3", channels: 6, channel_layout: "5.1(side)", sample_rate: "48000", tags: { language: "ger" }, disposition: { default: 1, dub: 1 } },
          { index: 3, codec_type: "subtitle", codec_name: "subrip", tags: { language: "eng" }, disposition: { default: 0, forced: 1, hearing_impaired: 0 } },
          { index: 4, codec_type: "subtitle", codec_name: "hdmv_pgs_subtitle", disposition: { hearing_impaired: 1 } },
        ],
      },
      10,
    );
    expect(info.audioStreams).toEqual([
      { index: 2, codec: "ac3", channels: 6, channelLayout: "5.1(side)", sampleRate: 48000, language: "ger", dispositions: { default: true, comment: false, visualImpaired: false, dub: true, original: false } },
      { index: 1, codec: "aac", channels: 2, sampleRate: 48000, language: "eng", title: "Commentary", dispositions: { default: false, comment: true, visualImpaired: false, dub: false, original: false } },
    ]);
    expect(info.audio).toBe(info.audioStreams![0]);
    expect(info.subtitles).toEqual([
      { index: 3, codec: "subrip", language: "eng", dispositions: { default: false, forced: true, hearingImpaired: false } },
      { index: 4, codec: "hdmv_pgs_subtitle", dispositions: { default: false, forced: false, hearingImpaired: true } },
    ]);
  });
});
