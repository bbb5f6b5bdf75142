import { describe, expect, it } from "vitest";
import type { MediaInfo, VideoStreamInfo } from "./media-info.ts";
import { bitrateFor, fitWithin, planPackage } from "./plan.ts";

const v1080: VideoStreamInfo = {
  index: 0, codec: "h264", profile: "High", pixFmt: "yuv420p", bitDepth: 8, chroma: "420",
  width: 1920, height: 1080, frameRate: 30, vfr: false, rotation: 0,
};
const h264: MediaInfo = {
  formatName: "mov,mp4,m4a,3gp,3g2,mj2",
  durationSec: 10,
  sizeBytes: 1000,
  video: v1080,
  audio: { index: 1, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000 },
  streams: [],
};
const withVideo = (v: Partial<VideoStreamInfo>): MediaInfo => ({ ...h264, video: { ...v1080, ...v } });

describe("planPackage", () => {
  it("copies browser-safe 1080p H.264 as the top rung and encodes 720/480/360 below it", () => {
    const plan = planPackage(h264);
    expect(plan.video?.renditions).toEqual([
      { name: "1080p", mode: "copy", width: 1920, height: 1080, maxBitrateKbps: 0 },
      { name: "720p", mode: "transcode", width: 1280, height: 720, maxBitrateKbps: 2800 },
      { name: "480p", mode: "transcode", width: 854, height: 480, maxBitrateKbps: 1400 },
      { name: "360p", mode: "transcode", width: 640, height: 360, maxBitrateKbps: 800 },
    ]);
    expect(plan.video).toMatchObject({ frameRate: "30", fps: 30, forceConstantRate: false, toneMap: null, highBitDepth: false });
    expect(plan.audio).toEqual({ mode: "copy", codecs: "mp4a.40.2", channels: 2 });
    expect(plan).toMatchObject({ segmentSeconds: 4, segmentType: "fmp4" });
  });

  it("transcodes an interlaced H.264 top rung, deinterlaced; a progressive one is copied", () => {
    const interlaced = planPackage(withVideo({ interlaced: true }));
    expect(interlaced.video).toMatchObject({ reason: "interlaced (players show progressive frames)", deinterlace: true });
    expect(interlaced.video?.renditions[0]).toMatchObject({ name: "1080p", mode: "transcode" });
    expect(planPackage(h264).video?.deinterlace).toBeUndefined();
  });

  it("never goes above the source: no upscaled rung, no rung above the source bitrate", () => {
    const small = planPackage(withVideo({ width: 640, height: 360, bitRate: 500_000 }));
    expect(small.video?.renditions).toEqual([{ name: "360p", mode: "copy", width: 640, height: 360, maxBitrateKbps: 0 }]);
    const tiny = planPackage(withVideo({ codec: "hevc", width: 320, height: 180, bitRate: 300_000 }));
    expect(tiny.video?.renditions).toEqual([{ name: "180p", mode: "transcode", width: 320, height: 180, maxBitrateKbps: 300 }]);
    const lowRate = planPackage(withVideo({ bitRate: 1_000_000 }));
    expect(lowRate.video?.renditions.map((r) => r.maxBitrateKbps)).toEqual([0, 1000, 1000, 800]);
  });

  it("scales a 4K source to a 1080p top rung and takes a configured ladder", () => {
    const uhd = planPackage(withVideo({ width: 3840, height: 2160 }), { ladder: [720, 360] });
    expect(uhd.video?.renditions.map((r) => [r.name, r.mode, r.width, r.height])).toEqual([
      ["720p", "transcode", 1280, 720],
      ["360p", "transcode", 640, 360],
    ]);
    expect(uhd.video?.reason).toBe("larger than the top rung");
    expect(() => planPackage(h264, { ladder: [] })).toThrow(RangeError);
    expect(() => planPackage(h264, { ladder: [720.5] })).toThrow(RangeError);
  });

  it("raises the ceilings by half for 50/60 fps", () => {
    expect(planPackage(withVideo({ frameRate: 60 })).video?.renditions[1]).toMatchObject({ maxBitrateKbps: 4200 });
  });

  it("transcodes HEVC, 10-bit H.264 and 4:4:4 H.264, saying why", () => {
    expect(planPackage(withVideo({ codec: "hevc" })).video?.reason).toBe("hevc video is not playable in every browser");
    const tenBit = planPackage(withVideo({ pixFmt: "yuv420p10le", bitDepth: 10 })).video;
    expect(tenBit).toMatchObject({ reason: "yuv420p10le H.264 is not browser-safe", highBitDepth: true });
    expect(tenBit?.renditions[0]?.mode).toBe("transcode");
    expect(planPackage(withVideo({ pixFmt: "yuv444p", chroma: "444" })).video?.reason).toBe("yuv444p H.264 is not browser-safe");
  });

  it("tone-maps HDR (PQ and HLG) with the source's own primaries and matrix", () => {
    const pq = planPackage(withVideo({ codec: "hevc", bitDepth: 10, pixFmt: "yuv420p10le", hdr: "pq", colorPrimaries: "bt2020", colorSpace: "bt2020nc" }));
    expect(pq.video?.toneMap).toEqual({ transfer: "pq", primaries: "bt2020", matrix: "bt2020nc" });
    const hlg = planPackage(withVideo({ hdr: "hlg" }));
    expect(hlg.video).toMatchObject({ toneMap: { transfer: "hlg", primaries: "bt2020", matrix: "bt2020nc" }, reason: "HDR (hlg) is tone-mapped to SDR" });
  });

  it("transcodes a rotated phone clip to upright dimensions", () => {
    const plan = planPackage(withVideo({ rotation: 90 }));
    expect(plan.video?.renditions.map((r) => [r.width, r.height])).toEqual([[608, 1080], [406, 720], [270, 480], [202, 360]]);
    expect(plan.video).toMatchObject({ displayWidth: 1080, displayHeight: 1920, rotation: 90 });
  });

  it("makes odd sizes even, and gives VFR or unknown-rate sources a constant standard rate", () => {
    const odd = planPackage(withVideo({ width: 161, height: 91 }));
    expect(odd.video).toMatchObject({ reason: "odd picture size 161x91", renditions: [{ width: 162, height: 92 }] });
    const vfr = planPackage(withVideo({ vfr: true, frameRate: 29.6 }));
    expect(vfr.video).toMatchObject({ forceConstantRate: true, frameRate: "30000/1001", reason: "variable frame rate (segments need a constant rate)" });
    expect(planPackage(withVideo({ frameRate: 0 })).video).toMatchObject({ forceConstantRate: true, frameRate: "30" });
    expect(planPackage(withVideo({ frameRate: 120 })).video).toMatchObject({ forceConstantRate: true, frameRate: "60" });
    expect(planPackage(withVideo({ frameRate: 30000 / 1001 })).video).toMatchObject({ forceConstantRate: false, frameRate: "30000/1001" });
    expect(planPackage(withVideo({ frameRate: 15 })).video).toMatchObject({ forceConstantRate: false, frameRate: "15", fps: 15 });
  });

  it("copies LC and HE-AAC up to stereo, transcodes the rest to AAC-LC stereo 48 kHz", () => {
    const he = planPackage({ ...h264, audio: { index: 1, codec: "aac", profile: "HE-AAC", channels: 2, sampleRate: 44100 } });
    expect(he.audio).toEqual({ mode: "copy", codecs: "mp4a.40.5", channels: 2 });
    const opus = planPackage({ ...h264, audio: { index: 1, codec: "opus", channels: 2, sampleRate: 48000 } });
    expect(opus.audio).toEqual({ mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "opus audio is not playable in every browser" });
    const surround = planPackage({ ...h264, audio: { index: 1, codec: "aac", channels: 6, sampleRate: 48000 } });
    expect(surround.audio).toMatchObject({ mode: "transcode", reason: "6-channel AAC is downmixed to stereo" });
  });

  it("plans video-only and audio-only sources", () => {
    expect(planPackage({ ...h264, audio: undefined }).audio).toBeNull();
    const { video: _video, ...audioOnly } = h264;
    expect(planPackage(audioOnly).video).toBeNull();
  });

  it("takes the segment type and rejects a segment duration outside 1-30 s", () => {
    expect(planPackage(h264, { segmentType: "ts", segmentSeconds: 6 })).toMatchObject({ segmentType: "ts", segmentSeconds: 6 });
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
