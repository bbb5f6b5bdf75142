import { describe, expect, it } from "vitest";
import { ffmpegSegmentPattern, isImmutablePackageFile, isSessionFile, liveRenditionName, parseSegmentName, segmentName } from "./package-layout.ts";

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

  it("tells the immutable files of a package (init and media segments) from those that change", () => {
    for (const key of ["abc/720p/init.mp4", "abc/720p/init_0.mp4", "abc/audio/init_3.mp4", "abc/720p/seg_00000.m4s", "abc/audio/seg_00012.m4s", "a/b/480p/seg_00001.ts", `abc/720p/${segmentName(3, "ts")}`]) {
      expect(isImmutablePackageFile(key)).toBe(true);
    }
    const changing = [
      "abc/master.m3u8",
      "abc/720p/index.m3u8",
      "abc/meta.json",
      "abc/thumbnails/poster.jpg",
      `abc/${liveRenditionName("720p")}/${segmentName(1)}`,
      `abc/${liveRenditionName("720p")}/init.mp4`,
      "uploads/u1/source",
      "seg_00001.m4s",
      "abc/720p/seg_00001.m4s.tmp-1",
      "abc/720p/init_.mp4",
      "abc/720p/init_0.mp4.tmp-2",
    ];
    for (const key of changing) expect(isImmutablePackageFile(key)).toBe(false);
  });
});
