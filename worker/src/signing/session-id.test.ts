import { describe, expect, it } from "vitest";
import { createKeyring } from "./keyring.ts";
import { issueSessionId, SESSION_ID_PATTERN, verifySessionId } from "./session-id.ts";
import { signStreamToken } from "./stream-token.ts";

const keyring = () => createKeyring({ k1: "a".repeat(40), k2: "b".repeat(40) }, "k1");

describe("playback session ids", () => {
  it("verifies for the viewer it was issued to, and for no one else", async () => {
    const keys = await keyring();
    const id = await issueSessionId(keys, "demo:alice");
    expect(id).toMatch(SESSION_ID_PATTERN);
    expect(await verifySessionId(keys, id, "demo:alice")).toBe(true);
    expect(await verifySessionId(keys, id, "demo:bob")).toBe(false);
    expect(await issueSessionId(keys, "demo:alice")).not.toBe(id);
  });

  it("refuses a changed id, an unknown key, a key that did not sign it and plain strings", async () => {
    const keys = await keyring();
    const id = await issueSessionId(keys, "alice");
    const [kid, nonce, mac] = [id.slice(0, 2), id.slice(2, 18), id.slice(18)];
    expect(kid + nonce + mac).toBe(id);
    const flipped = mac.slice(0, 5) + (mac[5] === "A" ? "B" : "A") + mac.slice(6);
    for (const bad of [`${kid}${nonce}${flipped}`, `k9${nonce}${mac}`, `k2${nonce}${mac}`, `${kid}${nonce.slice(1)}x${mac}`, `${kid}x${nonce}${mac}`, "s1", "", `${id}x`]) {
      expect([bad, await verifySessionId(keys, bad, "alice")]).toEqual([bad, false]);
    }
  });

  it("keeps verifying after a key rotation while the old key is still listed", async () => {
    const id = await issueSessionId(await keyring(), "alice");
    const rotated = await createKeyring({ k2: "b".repeat(40), k1: "a".repeat(40) }, "k2");
    expect(await verifySessionId(rotated, id, "alice")).toBe(true);
  });

  it("is not interchangeable with a stream token's MAC (separate domain)", async () => {
    const keys = await keyring();
    const token = await signStreamToken(keys, { exp: 1_800_000_000, vid: "v1", src: "p1", sub: "alice" });
    const mac = token.split(".").at(-1)!;
    expect(await verifySessionId(keys, `k1${"A".repeat(16)}${mac}`, "alice")).toBe(false);
  });
});
