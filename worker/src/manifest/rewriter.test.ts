import { describe, expect, it } from "vitest";
import { rewritePlaylist, signUri } from "./rewriter.ts";

const opts = { param: "sig", value: "TOKEN" };

/** Undo what the rewriter may add, to prove nothing else changed. */
function unsign(text: string): string {
  return text.replace(/\?sig=TOKEN/g, "").replace(/&sig=TOKEN/g, "");
}

describe("rewritePlaylist", () => {
  it("signs segment lines and the EXT-X-MAP URI of a media playlist", () => {
    const input = [
      "#EXTM3U",
      "#EXT-X-VERSION:7",
      "#EXT-X-TARGETDURATION:4",
      '#EXT-X-MAP:URI="init.mp4"',
      "#EXTINF:4.000000,",
      "seg_00000.m4s",
      "#EXTINF:2.5,",
      "seg_00001.m4s",
      "#EXT-X-ENDLIST",
      "",
    ].join("\n");
    const output = rewritePlaylist(input, opts);
    expect(output).toContain('#EXT-X-MAP:URI="init.mp4?sig=TOKEN"');
    expect(output).toContain("\nseg_00000.m4s?sig=TOKEN\n");
    expect(output).toContain("\nseg_00001.m4s?sig=TOKEN\n");
    expect(unsign(output)).toBe(input);
  });

  it("signs variant lines and URI attributes of a master playlist, not SERVER-URI or X-ASSET-URI", () => {
    const input = [
      "#EXTM3U",
      '#EXT-X-CONTENT-STEERING:SERVER-URI="steer.json",PATHWAY-ID="a"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="a0/index.m3u8"',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1000,URI="v0/iframes.m3u8"',
      '#EXT-X-DATERANGE:ID="ad",START-DATE="2026-01-01T00:00:00Z",X-ASSET-URI="ad.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
      "v0/index.m3u8",
    ].join("\r\n");
    const output = rewritePlaylist(input, opts);
    expect(output).toContain('SERVER-URI="steer.json"');
    expect(output).toContain('X-ASSET-URI="ad.m3u8"');
    expect(output).toContain('URI="a0/index.m3u8?sig=TOKEN"');
    expect(output).toContain('URI="v0/iframes.m3u8?sig=TOKEN"');
    expect(output.endsWith("\r\nv0/index.m3u8?sig=TOKEN")).toBe(true);
    expect(unsign(output)).toBe(input);
  });

  it("finds URI after quoted values that contain commas and equals signs", () => {
    const line = '#EXT-X-MEDIA:TYPE=SUBTITLES,NAME="a, b=c",GROUP-ID="s",URI="subs/en.m3u8"';
    expect(rewritePlaylist(line, opts)).toBe('#EXT-X-MEDIA:TYPE=SUBTITLES,NAME="a, b=c",GROUP-ID="s",URI="subs/en.m3u8?sig=TOKEN"');
  });

  it("keeps a UTF-8 BOM of a byte string (EF BB BF) and never reads it as a URI", () => {
    const output = rewritePlaylist("\xef\xbb\xbf#EXTM3U\n#EXTINF:4,caf\xe9\nseg.m4s\n", { param: "sig", value: "TOKEN" });
    expect(output).toBe("\xef\xbb\xbf#EXTM3U\n#EXTINF:4,caf\xe9\nseg.m4s?sig=TOKEN\n");
  });

  it("keeps a BOM, CR-only line ends, comments, blank lines and unknown tags byte for byte", () => {
    const input = "\uFEFF#EXTM3U\r# a comment\r\r#EXT-X-UNKNOWN:URI=\"x.m4s\"\r#EXTINF:4,\r  seg.m4s  \r";
    const output = rewritePlaylist(input, opts);
    expect(output).toBe("\uFEFF#EXTM3U\r# a comment\r\r#EXT-X-UNKNOWN:URI=\"x.m4s\"\r#EXTINF:4,\r  seg.m4s?sig=TOKEN  \r");
  });

  it("leaves keys it must not touch: skd://, data: and METHOD=NONE", () => {
    const input = [
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,AAAA"',
      "#EXT-X-KEY:METHOD=NONE",
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin",IV=0x1',
    ].join("\n");
    const output = rewritePlaylist(input, opts);
    expect(output.split("\n")).toEqual([
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,AAAA"',
      "#EXT-X-KEY:METHOD=NONE",
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin?sig=TOKEN",IV=0x1',
    ]);
  });

  it("signs low-latency tags: parts, preload hints and rendition reports", () => {
    const input = [
      '#EXT-X-PART:DURATION=1.0,URI="part1.m4s",INDEPENDENT=YES',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part2.m4s"',
      '#EXT-X-RENDITION-REPORT:URI="../v1/index.m3u8",LAST-MSN=10',
    ].join("\n");
    expect(rewritePlaylist(input, opts)).toBe(
      [
        '#EXT-X-PART:DURATION=1.0,URI="part1.m4s?sig=TOKEN",INDEPENDENT=YES',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part2.m4s?sig=TOKEN"',
        '#EXT-X-RENDITION-REPORT:URI="../v1/index.m3u8?sig=TOKEN",LAST-MSN=10',
      ].join("\n"),
    );
  });

  it("leaves an unterminated quoted attribute alone instead of guessing", () => {
    const line = '#EXT-X-MAP:URI="init.mp4';
    expect(rewritePlaylist(line, opts)).toBe(line);
  });

  it("keeps EXT-X-DEFINE variable references intact", () => {
    expect(rewritePlaylist("{$base}/seg1.m4s", opts)).toBe("{$base}/seg1.m4s?sig=TOKEN");
  });
});

describe("signUri", () => {
  it("keeps existing queries and fragments", () => {
    expect(signUri("seg.m4s?a=1&b=2#t=3", opts)).toBe("seg.m4s?a=1&b=2&sig=TOKEN#t=3");
    expect(signUri("seg.m4s?", opts)).toBe("seg.m4s?sig=TOKEN");
    expect(signUri("seg.m4s#frag", opts)).toBe("seg.m4s?sig=TOKEN#frag");
  });

  it("replaces a stale token instead of adding a second one", () => {
    expect(signUri("seg.m4s?sig=OLD&a=1", opts)).toBe("seg.m4s?a=1&sig=TOKEN");
  });

  it("leaves other origins alone and signs absolute URIs of its own origin", () => {
    const withSelf = { ...opts, selfOrigins: ["https://video.example"] };
    expect(signUri("https://cdn.other.example/seg.m4s", withSelf)).toBe("https://cdn.other.example/seg.m4s");
    expect(signUri("//cdn.other.example/seg.m4s", withSelf)).toBe("//cdn.other.example/seg.m4s");
    expect(signUri("https://video.example.evil/seg.m4s", withSelf)).toBe("https://video.example.evil/seg.m4s");
    expect(signUri("https://video.example/hls/v/seg.m4s", withSelf)).toBe("https://video.example/hls/v/seg.m4s?sig=TOKEN");
  });

  it("signs root-relative paths", () => {
    expect(signUri("/hls/v/seg.m4s", opts)).toBe("/hls/v/seg.m4s?sig=TOKEN");
  });
});
