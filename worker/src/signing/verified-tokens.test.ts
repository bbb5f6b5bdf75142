import { describe, expect, it, vi } from "vitest";
import { createKeyring } from "./keyring.ts";
import { signStreamToken } from "./stream-token.ts";
import { VerifiedTokens } from "./verified-tokens.ts";

const NOW = 1_800_000_000;

describe("VerifiedTokens", () => {
  it("checks a token's MAC once, and its scope and expiry on every request", async () => {
    const keyring = await createKeyring({ k1: "a".repeat(40) }, "k1");
    const verify = vi.spyOn(crypto.subtle, "verify");
    const tokens = new VerifiedTokens(keyring);
    const token = await signStreamToken(keyring, { exp: NOW + 60, vid: "vid1", src: "pkg" });
    expect(await tokens.verify(token, "/hls/vid1/a.m3u8", NOW, 0)).toMatchObject({ ok: true, claims: { vid: "vid1", src: "pkg" } });
    expect(await tokens.verify(token, "/hls/vid1/b.m4s", NOW, 0)).toMatchObject({ ok: true });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(await tokens.verify(token, "/hls/vid2/a.m3u8", NOW, 0)).toEqual({ ok: false, reason: "out-of-scope" });
    expect(await tokens.verify(token, "/hls/vid1/a.m3u8", NOW + 61, 0)).toEqual({ ok: false, reason: "expired" });
    expect(await tokens.verify(token, "/hls/vid1/a.m3u8", NOW + 61, 30)).toMatchObject({ ok: true });
    verify.mockRestore();
  });

  it("keeps no forged token: each try is checked again and refused", async () => {
    const keyring = await createKeyring({ k1: "a".repeat(40) }, "k1");
    const tokens = new VerifiedTokens(keyring, 2);
    const token = await signStreamToken(keyring, { exp: NOW + 60, vid: "vid1", src: "pkg" });
    const forged = token.replace(".vid1.", ".vid2.");
    for (let i = 0; i < 2; i++) expect(await tokens.verify(forged, "/hls/vid2/a.m3u8", NOW, 0)).toEqual({ ok: false, reason: "bad-signature" });
    // Bounded: older tokens make way, and are simply checked again.
    for (const vid of ["v1", "v2", "v3"]) {
      const other = await signStreamToken(keyring, { exp: NOW + 60, vid, src: "pkg" });
      expect(await tokens.verify(other, `/hls/${vid}/x.m4s`, NOW, 0)).toMatchObject({ ok: true });
    }
    expect(await tokens.verify(token, "/hls/vid1/x.m4s", NOW, 0)).toMatchObject({ ok: true });
  });
});
