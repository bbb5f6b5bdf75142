import { describe, expect, it } from "vitest";
import { createKeyring } from "./keyring.ts";
import { verifyStreamToken } from "./stream-token.ts";
import { hlsFilePath, signFiles, STREAM_TOKEN_PARAM } from "./stream-url.ts";

const NOW = 1_800_000_000;

describe("signed file URLs", () => {
  it("puts one token, valid for the file's path, on every file of the video", async () => {
    const keyring = await createKeyring({ k1: "a".repeat(40) }, "k1");
    const files = await signFiles(keyring, { exp: NOW + 60, vid: "vid1", session: "s1", sub: "alice" });
    for (const file of ["master.m3u8", "poster.jpg"]) {
      const url = new URL(files.url(file), "http://worker");
      expect(url.pathname).toBe(hlsFilePath("vid1", file));
      expect(url.searchParams.get(STREAM_TOKEN_PARAM)).toBe(files.token);
      expect(await verifyStreamToken(keyring, files.token, url.pathname, NOW, 0)).toEqual({
        ok: true,
        claims: { kid: "k1", exp: NOW + 60, vid: "vid1", session: "s1", sub: "alice" },
      });
    }
  });
});
