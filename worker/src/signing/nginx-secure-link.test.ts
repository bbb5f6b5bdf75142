import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nginxSecureLinkHash, nginxSignedUrl } from "./nginx-secure-link.ts";

describe("nginx secure_link", () => {
  it("computes base64url(MD5(expires + uri + ' ' + secret)) like nginx (checked against node:crypto)", () => {
    const expected = createHash("md5").update("2147483647/media/abc/v0/seg_00001.m4s s3cret").digest("base64url");
    expect(nginxSecureLinkHash("/media/abc/v0/seg_00001.m4s", 2147483647, "s3cret")).toBe(expected);
  });

  it("signs the URL path nginx will see, for a path base and an absolute base", () => {
    const relative = nginxSignedUrl("/media/", "abc/v0/seg.m4s", 100, "s3cret");
    expect(relative).toBe(`/media/abc/v0/seg.m4s?md5=${nginxSecureLinkHash("/media/abc/v0/seg.m4s", 100, "s3cret")}&expires=100`);
    const absolute = nginxSignedUrl("https://cdn.example/media", "abc/v0/seg.m4s", 100, "s3cret");
    expect(absolute).toBe(`https://cdn.example/media/abc/v0/seg.m4s?md5=${nginxSecureLinkHash("/media/abc/v0/seg.m4s", 100, "s3cret")}&expires=100`);
  });
});
