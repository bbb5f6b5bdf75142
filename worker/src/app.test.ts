// Route tests through app.request(): a real libSQL file and real files on disk, no HTTP server.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { createViewerAuth } from "./auth/viewer-jwt.ts";
import { parseConfig } from "./config.ts";
import { openLibsqlDatabase, type LibsqlDatabase } from "./db/libsql.ts";
import { insertVideo } from "./db/videos.ts";
import type { AppDeps } from "./env.ts";
import { createKeyring } from "./signing/keyring.ts";
import { SESSION_ID_PATTERN } from "./signing/session-id.ts";
import { signStreamToken } from "./signing/stream-token.ts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { tamper } from "../../tests/helpers/stack.ts";

const NOW = 1_800_000_000;
const PREFIX = "f".repeat(64);
let dir: string;
let database: LibsqlDatabase;
let deps: AppDeps;
let app: ReturnType<typeof createApp>;
let alice: string;
let bob: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-app-"));
  database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
  await database.migrate(fileURLToPath(new URL("../drizzle", import.meta.url)));
  const config = parseConfig({ SIGNING_KEYS: `k1:${"s".repeat(40)}`, JWT_SECRET: "j".repeat(40), DEMO_MODE: "1" });
  deps = { config, keyring: await createKeyring({ k1: "s".repeat(40) }, "k1"), db: database.db, storage: createFsStorage(join(dir, "media")), now: () => NOW };
  app = createApp(deps);
  await deps.storage.put(`${PREFIX}/master.m3u8`, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
  await deps.storage.put(`${PREFIX}/v0/seg_00000.m4s`, new Uint8Array(Array.from({ length: 1000 }, (_, i) => i % 256)));
  await insertVideo(database.db, { id: "alicevid", ownerId: "alice", title: "Mine", status: "ready", storagePrefix: PREFIX });
  await insertVideo(database.db, { id: "pending1", ownerId: "alice", title: "Soon", status: "generating", progress: 0.25 });
  await insertVideo(database.db, { id: "broken1", ownerId: "alice", title: "Bad", status: "failed", error: "the source has no video or audio" });
  const auth = createViewerAuth(config);
  alice = await auth.issue({ id: "alice", roles: [] });
  bob = await auth.issue({ id: "bob", roles: [] });
});

afterAll(async () => {
  database.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const sign = (exp: number, vid = "alicevid") => signStreamToken(deps.keyring, { exp, vid, src: PREFIX });

describe("viewer routes", () => {
  it("answers 401 with a reason when no or a bad token is sent", async () => {
    const none = await app.request("/api/videos");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "missing_token" } });
    const forged = await app.request("/api/videos", auth(tamper(alice)));
    expect(forged.status).toBe(401);
  });

  it("refuses a forged viewer token even when the original MAC already ends in the forger's characters", async () => {
    // Pinned (jti chosen so): its MAC ends in "xw", whose last character differs from "x" only in
    // spare bits, so overwriting the last two characters with "xx" left the signature unchanged
    // (the flaky forgery test did that); tamper() changes a character that carries only MAC bits.
    const pinned = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiIxMDQiLCJzdWIiOiJhbGljZSIsImlzcyI6ImVkZ2VzdHJlYW0iLCJhdWQiOiJlZGdlc3RyZWFtIiwiaWF0IjoxODAwMDAwMDAwLCJleHAiOjQwMDAwMDAwMDB9._e9yDEVgtQXNkEKEFt8TtkF98yCYJgJ73AbX1lntRxw";
    expect((await app.request("/api/videos", auth(pinned))).status).toBe(200);
    expect(tamper(pinned)).not.toBe(pinned);
    const forged = await app.request("/api/videos", auth(tamper(pinned)));
    expect(forged.status).toBe(401);
  });

  it("rejects a JWT with alg none", async () => {
    const [, payload] = alice.split(".");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    expect((await app.request("/api/videos", auth(`${header}.${payload}.`))).status).toBe(401);
  });

  it("lists only what the viewer may see", async () => {
    const mine = (await (await app.request("/api/videos", auth(alice))).json()) as { videos: { id: string }[] };
    expect(mine.videos.map((v) => v.id).sort()).toEqual(["alicevid", "broken1", "pending1"]);
    const theirs = (await (await app.request("/api/videos", auth(bob))).json()) as { videos: unknown[] };
    expect(theirs.videos).toEqual([]);
  });

  it("answers 404 for someone else's private video, so existence does not leak", async () => {
    expect((await app.request("/api/videos/alicevid/stream", auth(bob))).status).toBe(404);
    expect((await app.request("/api/videos/nope/stream", auth(bob))).status).toBe(404);
  });

  it("gives a signed manifest URL for a ready video", async () => {
    const response = await app.request("/api/videos/alicevid/stream", auth(alice));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const body = (await response.json()) as { manifestUrl: string; expiresAt: string };
    expect(body.manifestUrl).toMatch(/^\/hls\/alicevid\/master\.m3u8\?sig=k1\.\d+\.alicevid\./);
    expect(body.expiresAt).toBe(new Date((NOW + 300) * 1000).toISOString());
  });

  it("answers 202 with progress while generating and 422 with the reason when packaging failed", async () => {
    const generating = await app.request("/api/videos/pending1/stream", auth(alice));
    expect(generating.status).toBe(202);
    expect(await generating.json()).toEqual({ status: "generating", progress: 0.25, retryAfter: 2, sessionId: expect.stringMatching(SESSION_ID_PATTERN) });
    const failed = await app.request("/api/videos/broken1/stream", auth(alice));
    expect(failed.status).toBe(422);
    expect(await failed.json()).toEqual({ status: "failed", error: "the source has no video or audio" });
  });

  it("signs in a demo viewer only in demo mode", async () => {
    const json = { "Content-Type": "application/json" };
    const response = await app.request("/api/auth/demo-login", { method: "POST", headers: json, body: JSON.stringify({ name: "Ann" }) });
    expect(response.status).toBe(200);
    expect((await app.request("/api/auth/demo-login", { method: "POST", body: "{}" })).status).toBe(415);
    const off = createApp({ ...deps, config: { ...deps.config, DEMO_MODE: false } });
    expect((await off.request("/api/auth/demo-login", { method: "POST" })).status).toBe(404);
  });

  it("answers bad input with a 400 naming the field", async () => {
    const response = await app.request("/api/auth/demo-login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "<script>" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/^name:/) } });
  });
});

describe("signed path", () => {
  it("serves the master playlist with every URI signed and no-cache", async () => {
    const token = await sign(NOW + 60);
    const response = await app.request(`/hls/alicevid/master.m3u8?sig=${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
    expect(response.headers.get("Cache-Control")).toBe("no-cache");
    expect(await response.text()).toBe(`#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8?sig=${token}\n`);
  });

  it("streams a segment whole, and a byte range with 206", async () => {
    const token = await sign(NOW + 60);
    const whole = await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${token}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(whole.headers.get("Content-Type")).toBe("video/iso.segment");
    expect((await whole.arrayBuffer()).byteLength).toBe(1000);
    const part = await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${token}`, { headers: { Range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 10-19/1000");
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const past = await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${token}`, { headers: { Range: "bytes=5000-" } });
    expect(past.status).toBe(416);
    expect(past.headers.get("Content-Range")).toBe("bytes */1000");
  });

  it("answers 403 for a tampered token and 410 for an expired one, both no-store and with CORS", async () => {
    const token = await sign(NOW + 60);
    const tampered = tamper(token);
    const forbidden = await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${tampered}`, { headers: { Origin: "https://site.example" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("Cache-Control")).toBe("no-store");
    expect(forbidden.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const expired = await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${await sign(NOW - 3600)}`, {
      headers: { Origin: "https://site.example" },
    });
    expect(expired.status).toBe(410);
    expect(expired.headers.get("Cache-Control")).toBe("no-store");
    expect(expired.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers 403 for a token of another video, a missing token and a climbing path", async () => {
    const other = await sign(NOW + 60, "othervid");
    expect((await app.request(`/hls/alicevid/v0/seg_00000.m4s?sig=${other}`)).status).toBe(403);
    expect((await app.request(`/hls/alicevid/v0/seg_00000.m4s`)).status).toBe(403);
    const token = await sign(NOW + 60);
    expect((await app.request(`/hls/alicevid/v0/%2e%2e/%2e%2e/x?sig=${token}`)).status).toBe(403);
  });

  it("ignores _HLS_ and CMCD query parameters", async () => {
    const token = await sign(NOW + 60);
    const response = await app.request(`/hls/alicevid/v0/seg_00000.m4s?CMCD=bl%3D1000&sig=${token}&_HLS_msn=3`);
    expect(response.status).toBe(200);
  });

  it("answers 403 or 404, no-store and never 500, for very long or deep signed paths", async () => {
    const token = await sign(NOW + 60);
    for (const path of [`v0/${"a".repeat(8000)}.m4s`, `${"a".repeat(300)}/seg.m4s`, `${"d/".repeat(200)}seg.m4s`, `v0/${"a".repeat(255)}.m4s`, "v0/seg_00000.m4s/x", "v0/seg_00000.m4s/x.m3u8"]) {
      const response = await app.request(`/hls/alicevid/${path}?sig=${token}`);
      expect([path.slice(0, 12), response.status === 403 || response.status === 404]).toEqual([path.slice(0, 12), true]);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(JSON.stringify(await response.json())).not.toContain(dir);
    }
  });

  it("answers 404 (not 500) for a signed path with nothing behind it", async () => {
    const token = await sign(NOW + 60);
    const missing = await app.request(`/hls/alicevid/v9/seg_00000.m4s?sig=${token}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("health", () => {
  it("answers ok when the database answers", async () => {
    const response = await app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", storage: "fs" });
  });
});
