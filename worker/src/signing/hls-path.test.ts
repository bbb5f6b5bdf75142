import { describe, expect, it } from "vitest";
import { parseHlsPath } from "./hls-path.ts";

describe("parseHlsPath", () => {
  it("splits a plain path into video id and file path", () => {
    expect(parseHlsPath("/hls/vid1/v0/seg_00001.m4s")).toEqual({ form: "query", vid: "vid1", rest: "v0/seg_00001.m4s", path: "/hls/vid1/v0/seg_00001.m4s" });
    expect(parseHlsPath("/hls/vid1/master.m3u8")).toEqual({ form: "query", vid: "vid1", rest: "master.m3u8", path: "/hls/vid1/master.m3u8" });
  });

  it("reads the path form: the token's video names the scope the path is checked against", () => {
    const token = "k1.1800000000.vid1.pkg..bWFj";
    expect(parseHlsPath(`/hls/${token}/v0/seg_00001.m4s`)).toEqual({ form: "path", token, rest: "v0/seg_00001.m4s", path: "/hls/vid1/v0/seg_00001.m4s" });
  });

  it("decodes each segment once, then applies the storage key rule to what it names", () => {
    expect(parseHlsPath("/hls/vid1/v0/seg%20one.ts")).toMatchObject({ rest: "v0/seg one.ts", path: "/hls/vid1/v0/seg one.ts" });
    expect(parseHlsPath("/hls/k1.1.vid1.pkg..bWFj/seg%20one.ts")).toMatchObject({ form: "path", rest: "seg one.ts" });
    expect(parseHlsPath("/hls/vid1/v0/seg%2520one.ts")).toBeNull(); // once: "%20" is not a name storage holds
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
    "/hls/k1.1.vid1.pkg..bWFj/../master.m3u8",
    "/hls/k1.1.vid1.pkg..bWFj/%2e%2e/x.m3u8",
    "/hls/k1.1.vid1.pkg..b%57Fj/master.m3u8",
    "/hls/k1.1.vid1.pkg..bWFj/",
  ])("rejects %j", (path) => {
    expect(parseHlsPath(path)).toBeNull();
  });
});
