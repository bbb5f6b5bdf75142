import { describe, expect, it } from "vitest";
import { ffmpegSegmentPattern, isSessionFile, liveRenditionName, parseSegmentName, segmentName } from "./package-layout.ts";

describe("package layout", () => {
  it("names segments with five digits and parses them back", () => {
    expect(segmentName(0)).toBe("seg_00000.m4s");
    expect(segmentName(42, "ts")).toBe("seg_00042.ts");
    expect(parseSegmentName(segmentName(12345))).toBe(12345);
    expect(parseSegmentName("seg_1.m4s")).toBeUndefined();
    expect(parseSegmentName("seg_00001.m4s.tmp-1")).toBeUndefined();
    expect(parseSegmentName("init.mp4")).toBeUndefined();
  });

  it("gives ffmpeg the printf pattern that expands to segmentName", () => {
    const expand = (pattern: string, n: number) => pattern.replace(/%0(\d)d/, (_, width: string) => String(n).padStart(Number(width), "0"));
    expect(expand(ffmpegSegmentPattern(), 7)).toBe(segmentName(7));
    expect(expand(ffmpegSegmentPattern("ts"), 7)).toBe(segmentName(7, "ts"));
  });

  it("knows which paths a session serves", () => {
    for (const path of ["master.m3u8", "720p-live/index.m3u8", "720p-live/init.mp4", `${liveRenditionName("360p")}/${segmentName(3)}`]) expect(isSessionFile(path)).toBe(true);
    for (const path of ["meta.json", "720p-live/meta.json", "a/b/seg_00001.m4s", "../x/index.m3u8", "/master.m3u8", "720p/seg_1.m4s"]) expect(isSessionFile(path)).toBe(false);
  });
});
