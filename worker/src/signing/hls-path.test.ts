import { describe, expect, it } from "vitest";
import { parseHlsPath } from "./hls-path.ts";

describe("parseHlsPath", () => {
  it("splits a plain path into video id and file path", () => {
    expect(parseHlsPath("/hls/vid1/v0/seg_00001.m4s")).toEqual({ vid: "vid1", rest: "v0/seg_00001.m4s", path: "/hls/vid1/v0/seg_00001.m4s" });
    expect(parseHlsPath("/hls/vid1/master.m3u8")).toEqual({ vid: "vid1", rest: "master.m3u8", path: "/hls/vid1/master.m3u8" });
  });

  it.each([
    "/hls/vid1/../vid2/master.m3u8",
    "/hls/vid1/v0/..",
    "/hls/vid1/%2e%2e/vid2/master.m3u8",
    "/hls/vid1/%2E%2E%2Fvid2%2Fmaster.m3u8",
    "/hls/vid1/v0%2fseg.m4s",
    "/hls/vid1/v0\\seg.m4s",
    "/hls/vid1/v0%5cseg.m4s",
    "/hls/vid1/seg%00.m4s",
    "/hls/vid1//seg.m4s",
    "/hls/vid1/.hidden",
    "/hls/vid1/",
    "/hls/vid1",
    "/hls/vid1/a%",
    "/other/vid1/master.m3u8",
  ])("rejects %j", (path) => {
    expect(parseHlsPath(path)).toBeNull();
  });
});
