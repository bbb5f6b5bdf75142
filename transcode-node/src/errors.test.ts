import { describe, expect, it } from "vitest";
import { redactPaths } from "./errors.ts";

describe("redactPaths", () => {
  it("keeps only the last part of absolute paths and file: URLs, and leaves the rest of the words alone", () => {
    expect(redactPaths("ffmpeg exited with code 1: /tmp/edgestream-node/job-abc/720p/seg_00001.m4s: No space left on device")).toBe(
      "ffmpeg exited with code 1: seg_00001.m4s: No space left on device",
    );
    expect(redactPaths("[hls @ 0x55] Opening 'file:///srv/media/secret/clip.mp4' for reading")).toBe("[hls @ 0x55] Opening 'clip.mp4' for reading");
    expect(redactPaths("Error opening input (/var/lib/x/source)")).toBe("Error opening input (source)");
    expect(redactPaths("/work/a/b: Invalid data found when processing input")).toBe("b: Invalid data found when processing input");
    expect(redactPaths("bitrate 1200/1000 at 720p/seg_00003.m4s, see https://ffmpeg.org/x")).toBe("bitrate 1200/1000 at 720p/seg_00003.m4s, see https://ffmpeg.org/x");
  });
});
