// Headers every answer carries (nosniff, Referrer-Policy), and no caching of what a viewer's JWT unlocked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertVideo } from "../db/videos.ts";
import { signStreamToken } from "../signing/stream-token.ts";
import { bearer, createTestApp, jsonBody, type TestApp } from "../testing/test-app.ts";
import { PRIVATE_NO_STORE, REFERRER_POLICY } from "./security-headers.ts";

let t: TestApp;
let alice: string;
beforeAll(async () => {
  t = await createTestApp();
  alice = await t.tokenFor("alice");
  await insertVideo(t.deps.db, { id: "v1", ownerId: "alice", title: "Mine", status: "ready", storagePrefix: "p1" });
  await t.deps.storage.put("p1/v0/seg_00000.m4s", "bytes");
});
afterAll(() => t.close());

describe("security headers", () => {
  it("sends nosniff and the referrer policy on every answer: JSON, errors, 404, 413, segments", async () => {
    const token = await signStreamToken(t.deps.keyring, { exp: Math.floor(Date.now() / 1000) + 60, vid: "v1", src: "p1" });
    const answers = await Promise.all([
      t.app.request("/healthz"),
      t.app.request("/openapi.json"),
      t.app.request("/no/such/route"),
      t.app.request("/api/videos"),
      t.app.request("/api/events", { method: "POST", headers: { "Content-Length": "999999", "Content-Type": "application/json" }, body: "{}" }),
      t.app.request(`/hls/v1/v0/seg_00000.m4s?sig=${token}`),
      t.app.request("/hls/v1/v0/seg_00000.m4s?sig=nope"),
      t.app.request("/api/videos", { method: "OPTIONS", headers: { Origin: "https://site.example", "Access-Control-Request-Method": "GET" } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 401, 413, 200, 403, 204]);
    expect(answers.map((r) => [r.headers.get("x-content-type-options"), r.headers.get("referrer-policy")])).toEqual(answers.map(() => ["nosniff", REFERRER_POLICY]));
  });

  it("marks authenticated JSON private, no-store: the list, a video, progress, the stream answer, errors", async () => {
    const paths = ["/api/videos", "/api/videos/v1", "/api/videos/v1/progress", "/api/videos/v1/stream", "/api/videos/nope"];
    for (const path of paths) {
      const response = await t.app.request(path, bearer(alice));
      expect([path, response.headers.get("cache-control")]).toEqual([path, PRIVATE_NO_STORE]);
    }
    const saved = await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: 1 }));
    expect(saved.headers.get("cache-control")).toBe(PRIVATE_NO_STORE);
    const demo = await createTestApp({ DEMO_MODE: "1" });
    try {
      const login = await demo.app.request("/api/auth/demo-login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      expect([login.status, login.headers.get("cache-control")]).toEqual([200, PRIVATE_NO_STORE]);
    } finally {
      await demo.close();
    }
  });
});
