import { describe, expect, it } from "vitest";
import { withTimestampMap } from "./subtitle-renditions.ts";

describe("WebVTT renditions", () => {
  it("puts X-TIMESTAMP-MAP on the header's second line, replacing one the file had", () => {
    const cue = "00:01.000 --> 00:03.000\nHello\n";
    expect(withTimestampMap(`WEBVTT\n\n${cue}`, 126000)).toBe(`WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n${cue}`);
    expect(withTimestampMap(`\uFEFFWEBVTT\r\nX-TIMESTAMP-MAP=MPEGTS:9,LOCAL:00:00:00.000\r\n\r\n${cue.replace("\n", "\r\n")}`, 0)).toBe(
      `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n${cue}`,
    );
    expect(withTimestampMap("WEBVTT", 5)).toBe("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:5,LOCAL:00:00:00.000\n\n");
    expect(() => withTimestampMap("1\n00:00:01,000 --> 00:00:02,000\nnot vtt\n", 0)).toThrow(/not a WebVTT file/);
  });
});
