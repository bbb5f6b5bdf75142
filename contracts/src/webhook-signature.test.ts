import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook-signature.ts";

const SECRET = "whsec-" + "x".repeat(32);
const BODY = '{"id":"d1","type":"video.ready","createdAt":"2026-12-04T00:00:00.000Z","data":{}}';

describe("webhook signatures", () => {
  it("signs t.body with HMAC-SHA256 in hex, as any HMAC library computes it", async () => {
    const header = await signWebhook(SECRET, BODY, 1_780_000_000);
    const expected = createHmac("sha256", SECRET).update(`1780000000.${BODY}`).digest("hex");
    expect(header).toBe(`t=1780000000,v1=${expected}`);
  });

  it("verifies its own signature within the tolerance, and any listed v1 (rotation)", async () => {
    const header = await signWebhook(SECRET, BODY, 1_780_000_000);
    expect(await verifyWebhook(SECRET, BODY, header, { now: 1_780_000_000 + 299 })).toBe(true);
    const other = (await signWebhook("another-secret-of-enough-length!", BODY, 1_780_000_000)).split(",")[1];
    expect(await verifyWebhook(SECRET, BODY, `t=1780000000,${other},${header.split(",")[1]}`, { now: 1_780_000_000 })).toBe(true);
  });

  it("refuses a tampered body, a wrong secret, an old or a future timestamp, and malformed headers", async () => {
    const header = await signWebhook(SECRET, BODY, 1_780_000_000);
    const at = { now: 1_780_000_000 };
    expect(await verifyWebhook(SECRET, BODY.replace("video.ready", "video.failed"), header, at)).toBe(false);
    expect(await verifyWebhook("wrong-secret-wrong-secret-wrong!", BODY, header, at)).toBe(false);
    expect(await verifyWebhook(SECRET, BODY, header, { now: 1_780_000_000 + 301 })).toBe(false);
    expect(await verifyWebhook(SECRET, BODY, header, { now: 1_780_000_000 - 301 })).toBe(false);
    for (const bad of [null, "", "v1=abc", header.replace(/^t=\d+/, "t=1780000001"), `${header},t=1780000000`, header.replace(/v1=/, "v0=")]) {
      expect(await verifyWebhook(SECRET, BODY, bad, at)).toBe(false);
    }
  });
});
