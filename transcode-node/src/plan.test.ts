import { describe, expect, it } from "vitest";
import type { MediaInfo } from "./media-info.ts";
import { bitrateFor, fitWithin, planPackage } from "./plan.ts";

const h264: MediaInfo = {
  formatName: "mov,mp4,m4a,3gp,3g2,mj2",
  durationSec: 10,
  sizeBytes: 1000,
  video: { index: 0, codec: "h264", profile: "High", pixFmt: "yuv420p", bitDepth: 8, width: 1280, height: 720, frameRate: 30, rotation: 0 },
  audio: { index: 1, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000 },
};

describe("planPackage", () => {
  it("copies browser-safe H.264 8-bit 4:2:0 and stereo AAC", () => {
    expect(planPackage(h264)).toEqual({
      video: { mode: "copy", width: 1280, height: 720 },
      audio: { mode: "copy" },
      segmentSeconds: 4,
      segmentType: "fmp4",
    });
  });

  it("transcodes HEVC, 10-bit H.264 and 4:4:4 H.264 to H.264, saying why", () => {
    const hevc = planPackage({ ...h264, video: { ...h264.video!, codec: "hevc" } });
    expect(hevc.video).toMatchObject({ mode: "transcode", width: 1280, height: 720, reason: "hevc video is not playable in every browser" });
    const tenBit = planPackage({ ...h264, video: { ...h264.video!, pixFmt: "yuv420p10le", bitDepth: 10 } });
    expect(tenBit.video).toMatchObject({ mode: "transcode", reason: "yuv420p10le H.264 is not browser-safe" });
    const full = planPackage({ ...h264, video: { ...h264.video!, pixFmt: "yuv444p" } });
    expect(full.video).toMatchObject({ mode: "transcode", reason: "yuv444p H.264 is not browser-safe" });
  });

  it("transcodes a rotated phone clip to upright dimensions", () => {
    const plan = planPackage({ ...h264, video: { ...h264.video!, width: 1920, height: 1080, rotation: 90 } });
    expect(plan.video).toMatchObject({ mode: "transcode", width: 608, height: 1080 });
  });

  it("scales down sources larger than the output frame, never up", () => {
    const big = planPackage({ ...h264, video: { ...h264.video!, width: 3840, height: 2160 } });
    expect(big.video).toMatchObject({ mode: "transcode", width: 1920, height: 1080, reason: "larger than the output frame" });
  });

  it("transcodes non-AAC and multichannel audio to stereo AAC 48 kHz", () => {
    const opus = planPackage({ ...h264, audio: { index: 1, codec: "opus", channels: 2, sampleRate: 48000 } });
    expect(opus.audio).toEqual({ mode: "transcode", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "opus audio is not playable in every browser" });
    const surround = planPackage({ ...h264, audio: { index: 1, codec: "aac", channels: 6, sampleRate: 48000 } });
    expect(surround.audio).toMatchObject({ mode: "transcode", reason: "6-channel AAC is downmixed to stereo" });
  });

  it("plans video-only and audio-only sources", () => {
    expect(planPackage({ ...h264, audio: undefined }).audio).toBeNull();
    const { video: _video, ...audioOnly } = h264;
    expect(planPackage(audioOnly).video).toBeNull();
  });

  it("rejects a segment duration outside 1-30 s", () => {
    expect(() => planPackage(h264, { segmentSeconds: 0 })).toThrow(RangeError);
    expect(() => planPackage(h264, { segmentSeconds: 31 })).toThrow(RangeError);
  });
});

describe("fitWithin and bitrateFor", () => {
  it("keeps the aspect ratio with even sides", () => {
    expect(fitWithin(1921, 1081, 1920, 1080)).toEqual({ width: 1920, height: 1080 });
    expect(fitWithin(1000, 3000, 1920, 1080)).toEqual({ width: 360, height: 1080 });
    expect(fitWithin(321, 241, 1920, 1080)).toEqual({ width: 322, height: 242 });
  });

  it("grows with the height", () => {
    expect([240, 360, 480, 720, 1080].map(bitrateFor)).toEqual([400, 800, 1400, 2800, 5000]);
  });
});
