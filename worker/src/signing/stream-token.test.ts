import { describe, expect, it } from "vitest";
import { createKeyring } from "./keyring.ts";
import { signStreamToken, verifyStreamToken } from "./stream-token.ts";
import { tamper } from "../../../tests/helpers/stack.ts";

const SECRET_A = "a".repeat(40);
const SECRET_B = "b".repeat(40);
const NOW = 1_800_000_000;

async function setup() {
  const keyring = await createKeyring({ k1: SECRET_A }, "k1");
  const token = await signStreamToken(keyring, { exp: NOW + 60, vid: "vid1", src: "abc123", sub: "demo:alice" });
  return { keyring, token };
}

describe("stream tokens", () => {
  it("verifies a token for any path under its video's prefix and returns its claims", async () => {
    const { keyring, token } = await setup();
    const result = await verifyStreamToken(keyring, token, "/hls/vid1/v0/seg_00001.m4s", NOW, 30);
    expect(result).toEqual({ ok: true, claims: { kid: "k1", exp: NOW + 60, vid: "vid1", src: "abc123", sub: "demo:alice" } });
  });

  it("refuses a token whose MAC was altered in one character", async () => {
    const { keyring, token } = await setup();
    const tampered = tamper(token);
    expect(await verifyStreamToken(keyring, tampered, "/hls/vid1/master.m3u8", NOW, 30)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("accepts only the canonical spelling of a MAC (the last base64url character has spare bits)", async () => {
    const { keyring, token } = await setup();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1)!);
    const lookAlike = token.slice(0, -1) + alphabet[last ^ 1]; // same decoded bytes, different text
    expect(await verifyStreamToken(keyring, lookAlike, "/hls/vid1/master.m3u8", NOW, 30)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a token whose payload was edited to point at another video", async () => {
    const { keyring, token } = await setup();
    const edited = token.replace(".vid1.", ".vid2.");
    expect(await verifyStreamToken(keyring, edited, "/hls/vid2/master.m3u8", NOW, 30)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a valid token outside its path prefix", async () => {
    const { keyring, token } = await setup();
    expect(await verifyStreamToken(keyring, token, "/hls/vid10/master.m3u8", NOW, 30)).toEqual({ ok: false, reason: "out-of-scope" });
    expect(await verifyStreamToken(keyring, token, "/hls/other/master.m3u8", NOW, 30)).toEqual({ ok: false, reason: "out-of-scope" });
  });

  it("reports expiry only past the clock-skew leeway", async () => {
    const { keyring, token } = await setup();
    expect((await verifyStreamToken(keyring, token, "/hls/vid1/a.m4s", NOW + 60 + 30, 30)).ok).toBe(true);
    expect(await verifyStreamToken(keyring, token, "/hls/vid1/a.m4s", NOW + 60 + 31, 30)).toEqual({ ok: false, reason: "expired" });
  });

  it("keeps accepting tokens of a retired key while a new key signs", async () => {
    const old = await createKeyring({ k1: SECRET_A }, "k1");
    const oldToken = await signStreamToken(old, { exp: NOW + 60, vid: "vid1", src: "abc" });
    const rotated = await createKeyring({ k2: SECRET_B, k1: SECRET_A }, "k2");
    const newToken = await signStreamToken(rotated, { exp: NOW + 60, vid: "vid1", src: "abc" });
    expect(newToken.startsWith("k2.")).toBe(true);
    expect((await verifyStreamToken(rotated, oldToken, "/hls/vid1/x.m4s", NOW, 0)).ok).toBe(true);
    expect(await verifyStreamToken(old, newToken, "/hls/vid1/x.m4s", NOW, 0)).toEqual({ ok: false, reason: "unknown-key" });
  });

  it.each(["", "garbage", "k1.1.vid1.abc..", "k1.notanumber.vid1.abc..AAAA", "k1.1.vid/1.abc..AAAA", "k1.1.vid1.abc..short"])(
    "calls %j malformed",
    async (token) => {
      const { keyring } = await setup();
      expect(await verifyStreamToken(keyring, token, "/hls/vid1/x.m4s", NOW, 30)).toEqual({ ok: false, reason: "malformed" });
    },
  );

  it("refuses to sign ids that could break the token format", async () => {
    const { keyring } = await setup();
    await expect(signStreamToken(keyring, { exp: NOW, vid: "a.b", src: "abc" })).rejects.toThrow(/video id/);
    await expect(signStreamToken(keyring, { exp: NOW, vid: "ok", src: "../etc" })).rejects.toThrow(/storage prefix/);
  });

  it("rejects short secrets and a current key that is not configured", async () => {
    await expect(createKeyring({ k1: "short" }, "k1")).rejects.toThrow(/too short/);
    await expect(createKeyring({ k1: SECRET_A }, "k9")).rejects.toThrow(/not among/);
  });
});
