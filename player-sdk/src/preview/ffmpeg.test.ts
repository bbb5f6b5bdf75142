// Reading ffmpeg.wasm's log for what the input is (the full preview runs in tests/e2e/preview.test.ts).
import { describe, expect, it } from "vitest";
import { parseProbeLog } from "./ffmpeg.ts";

describe("parseProbeLog", () => {
  it("reads duration and frame size of the first video stream", () => {
    const log = [
      "Input #0, matroska,webm, from 'input':",
      "  Duration: 00:01:02.50, start: 0.000000, bitrate: 120 kb/s",
      "  Stream #0:0: Video: hevc (Main), yuv420p(tv, progressive), 1280x720, 25 fps, 25 tbr, 1k tbn",
      "  Stream #0:1: Audio: opus, 48000 Hz, stereo, fltp",
    ].join("\n");
    expect(parseProbeLog(log)).toEqual({ duration: 62.5, width: 1280, height: 720 });
  });

  it("says nothing was found rather than guessing", () => {
    expect(parseProbeLog("input: Invalid data found when processing input")).toEqual({ duration: NaN, width: 0, height: 0 });
  });
});
