import { describe, expect, it } from "vitest";
import { buildPackageArgs } from "./ffmpeg-args.ts";

const HLS_TAIL = (streams: string) => [
  "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
  "-hls_fmp4_init_filename", "init.mp4", "-hls_flags", "independent_segments+temp_file",
  "-hls_segment_filename", "/out/v%v/seg_%05d.m4s", "-master_pl_name", "master.m3u8",
  "-var_stream_map", streams, "/out/v%v/index.m3u8",
];
const HEAD = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1", "-i", "/in.mp4"];

describe("buildPackageArgs", () => {
  it("remuxes without re-encoding when both streams are copied", () => {
    const args = buildPackageArgs("/in.mp4", "/out", {
      video: { mode: "copy", width: 640, height: 360 },
      audio: { mode: "copy" },
      segmentSeconds: 4,
      segmentType: "fmp4",
    });
    expect(args).toEqual([...HEAD, "-map", "0:v:0", "-map", "0:a:0", "-c:v", "copy", "-c:a", "copy", ...HLS_TAIL("v:0,a:0")]);
  });

  it("encodes x264 with keyframes forced on the segment grid and AAC stereo 48 kHz", () => {
    const args = buildPackageArgs("/in.mp4", "/out", {
      video: { mode: "transcode", width: 640, height: 360, maxBitrateKbps: 800, reason: "hevc" },
      audio: { mode: "transcode", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "opus" },
      segmentSeconds: 4,
      segmentType: "fmp4",
    });
    expect(args).toEqual([
      ...HEAD, "-map", "0:v:0", "-map", "0:a:0",
      "-vf", "scale=640:360:flags=bicubic,format=yuv420p",
      "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "21", "-maxrate", "800k", "-bufsize", "1600k",
      "-force_key_frames", "expr:gte(t,n_forced*4)", "-sc_threshold", "0",
      "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000",
      ...HLS_TAIL("v:0,a:0"),
    ]);
  });

  it("maps only the streams that exist", () => {
    const audioOnly = buildPackageArgs("/in.mp4", "/out", { video: null, audio: { mode: "copy" }, segmentSeconds: 4, segmentType: "fmp4" });
    expect(audioOnly).toEqual([...HEAD, "-map", "0:a:0", "-c:a", "copy", ...HLS_TAIL("a:0")]);
    expect(() => buildPackageArgs("/in.mp4", "/out", { video: null, audio: null, segmentSeconds: 4, segmentType: "fmp4" })).toThrow(/nothing to package/);
  });
});
