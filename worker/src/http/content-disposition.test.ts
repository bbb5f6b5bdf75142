import { describe, expect, it } from "vitest";
import { attachmentDisposition, downloadFilename } from "./content-disposition.ts";

describe("downloadFilename", () => {
  it("keeps letters of any script and drops what a file system or header cannot hold", () => {
    expect(downloadFilename("Noël à Paris", ".mp4")).toBe("Noël à Paris.mp4");
    expect(downloadFilename('a/b\\c:d*e?f"g<h>i|j\tk\r\nl', ".mp4")).toBe("a b c d e f g h i j k l.mp4");
    expect(downloadFilename("../../etc/passwd", ".mp4")).toBe("etc passwd.mp4");
    expect(downloadFilename(" \u0000 ", ".mp4")).toBe("video.mp4");
    expect(downloadFilename("x".repeat(500), ".mp4")).toBe(`${"x".repeat(120)}.mp4`);
  });
});

describe("attachmentDisposition", () => {
  it("gives an ASCII filename and the exact one as filename*", () => {
    expect(attachmentDisposition("日本 (1)'s.mp4")).toBe(`attachment; filename="__ (1)'s.mp4"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%20%281%29%27s.mp4`);
    expect(attachmentDisposition('say "hi"\\.mp4')).toBe(`attachment; filename="say _hi__.mp4"; filename*=UTF-8''say%20%22hi%22%5C.mp4`);
  });
});
