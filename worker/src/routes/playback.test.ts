// Progress, analytics events and heartbeats: what the player SDK sends while a video plays.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertVideo } from "../db/videos.ts";
import { playbackEvents } from "../db/schema.ts";
import { createTestApp, bearer, jsonBody, type TestApp } from "../testing/test-app.ts";

let t: TestApp;
let alice: string;
beforeEach(async () => {
  t = await createTestApp();
  alice = await t.tokenFor("alice");
  await insertVideo(t.deps.db, { id: "v1", ownerId: "alice", title: "Mine", status: "ready", storagePrefix: "p1" });
  await insertVideo(t.deps.db, { id: "private2", ownerId: "carol", title: "Carol's", status: "ready", storagePrefix: "p2" });
});
afterEach(() => t.close());

/** A playback session id, as /stream issues it to this viewer. */
const sessionOf = async (token: string, video = "v1") =>
  ((await (await t.app.request(`/api/videos/${video}/stream`, bearer(token))).json()) as { sessionId: string }).sessionId;

const getProgress = async () => (await (await t.app.request("/api/videos/v1/progress", bearer(alice))).json()) as Record<string, unknown>;

describe("progress", () => {
  it("is empty before the first save, then returns what was saved", async () => {
    expect(await getProgress()).toEqual({ positionSec: null, durationSec: null, updatedAt: null });
    const saved = await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: 42.5, durationSec: 600, clientTime: 1000 }));
    expect(saved.status).toBe(204);
    expect(await getProgress()).toMatchObject({ positionSec: 42.5, durationSec: 600, updatedAt: expect.any(String) });
  });

  it("ignores a write older than the stored one, and is idempotent for a replay", async () => {
    await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: 100, clientTime: 2000 }));
    await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: 10, clientTime: 1000 }));
    await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: 100, clientTime: 2000 }));
    expect(await getProgress()).toMatchObject({ positionSec: 100 });
  });

  it("keeps the newest of many concurrent writes, never a torn row", async () => {
    const writes = Array.from({ length: 40 }, (_, i) => ({ positionSec: i * 10, durationSec: 1000 + i, clientTime: 5000 + ((i * 17) % 40) }));
    const newest = writes.reduce((a, b) => (b.clientTime > a.clientTime ? b : a));
    await Promise.all(writes.map((w) => t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", w))));
    expect(await getProgress()).toMatchObject({ positionSec: newest.positionSec, durationSec: newest.durationSec });
  });

  it("accepts a text/plain body with the token in the query, as sendBeacon sends on pagehide", async () => {
    const response = await t.app.request(`/api/videos/v1/progress?token=${alice}`, {
      method: "PUT",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ positionSec: 7 }),
    });
    expect(response.status).toBe(204);
    expect(await getProgress()).toMatchObject({ positionSec: 7 });
  });

  it("accepts the same save as POST, which is what sendBeacon sends", async () => {
    const response = await t.app.request(`/api/videos/v1/progress?token=${alice}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ positionSec: 33, clientTime: 9000 }),
    });
    expect(response.status).toBe(204);
    expect(await getProgress()).toMatchObject({ positionSec: 33 });
  });

  it("keeps the playback session id a player passes back when it refreshes its token", async () => {
    const first = (await (await t.app.request("/api/videos/v1/stream", bearer(alice))).json()) as { sessionId: string };
    const again = (await (await t.app.request(`/api/videos/v1/stream?session=${first.sessionId}`, bearer(alice))).json()) as { sessionId: string };
    expect(again.sessionId).toBe(first.sessionId);
    expect((await t.app.request("/api/videos/v1/stream?session=bad%20id", bearer(alice))).status).toBe(400);
  });

  it("does not let another viewer keep a session id by passing it back: they get their own", async () => {
    await insertVideo(t.deps.db, { id: "pub1", ownerId: "alice", title: "Public", status: "ready", storagePrefix: "p1", visibility: "public" });
    const alices = await sessionOf(alice, "pub1");
    const bob = await t.tokenFor("bob");
    const bobs = (await (await t.app.request(`/api/videos/pub1/stream?session=${alices}`, bearer(bob))).json()) as { sessionId: string };
    expect(bobs.sessionId).not.toBe(alices);
    expect((await t.app.request(`/api/sessions/${bobs.sessionId}/heartbeat`, jsonBody(bob, "POST", { videoId: "pub1" }))).status).toBe(204);
  });

  it("answers 400 naming the field for a bad position, and 404 for a video the viewer cannot see", async () => {
    const bad = await t.app.request("/api/videos/v1/progress", jsonBody(alice, "PUT", { positionSec: -1 }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { message: expect.stringMatching(/^positionSec: /) } });
    expect((await t.app.request("/api/videos/private2/progress", jsonBody(alice, "PUT", { positionSec: 1 }))).status).toBe(404);
  });
});

describe("events and heartbeats", () => {
  it("records a batch sent by sendBeacon (text/plain, token in the query)", async () => {
    const s1 = await sessionOf(alice);
    const events = [
      { type: "play", videoId: "v1", sessionId: s1, at: 1_700_000_000_000 },
      { type: "stall", videoId: "v1", sessionId: s1, at: 1_700_000_001_000, data: { durationMs: 350 } },
    ];
    const response = await t.app.request(`/api/events?token=${alice}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2 });
    const rows = await t.deps.db.select().from(playbackEvents);
    expect(rows.map((r) => [r.type, r.viewerId, r.sessionId, r.data])).toEqual([
      ["play", "alice", s1, null],
      ["stall", "alice", s1, { durationMs: 350 }],
    ]);
  });

  it("refuses a batch with a bad event and records none of it", async () => {
    const response = await t.app.request("/api/events", jsonBody(alice, "POST", { events: [{ type: "play", videoId: "v1", at: 1 }, { type: "BAD TYPE", videoId: "v1", at: 1 }] }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringMatching(/^events\.1\.type: /) } });
    expect(await t.deps.db.select().from(playbackEvents)).toEqual([]);
    const hidden = await t.app.request("/api/events", jsonBody(alice, "POST", { events: [{ type: "play", videoId: "private2", at: 1 }] }));
    expect(hidden.status).toBe(404);
  });

  it("answers 400 naming the field, never 500, for event data nested too deep to store", async () => {
    const deep = `{"events":[{"type":"play","videoId":"v1","at":1,"data":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}]}`;
    const response = await t.app.request("/api/events", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "application/json" }, body: deep });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/^events\.0\.data: /) } });
    expect(await t.deps.db.select().from(playbackEvents)).toEqual([]);
    const nested = { a: { b: { c: [1, { d: "ok" }] } } };
    expect((await t.app.request("/api/events", jsonBody(alice, "POST", { events: [{ type: "play", videoId: "v1", at: 1, data: nested }] }))).status).toBe(202);
  });

  it("records a heartbeat for the playback session", async () => {
    const s9 = await sessionOf(alice);
    const response = await t.app.request(`/api/sessions/${s9}/heartbeat`, jsonBody(alice, "POST", { videoId: "v1", positionSec: 12 }));
    expect(response.status).toBe(204);
    const [row] = await t.deps.db.select().from(playbackEvents);
    expect(row).toMatchObject({ type: "heartbeat", sessionId: s9, videoId: "v1", data: { positionSec: 12 } });
  });

  it("answers 404 to a heartbeat or events for a session issued to another viewer, or never issued, and records nothing", async () => {
    await insertVideo(t.deps.db, { id: "pub1", ownerId: "alice", title: "Public", status: "ready", storagePrefix: "p1", visibility: "public" });
    const bob = await t.tokenFor("bob");
    const alices = await sessionOf(alice, "pub1");
    for (const session of [alices, "s1"]) {
      const heartbeat = await t.app.request(`/api/sessions/${session}/heartbeat`, jsonBody(bob, "POST", { videoId: "pub1" }));
      expect([session, heartbeat.status]).toEqual([session, 404]);
      expect(await heartbeat.json()).toMatchObject({ error: { code: "not_found", message: "no such playback session" } });
      const events = await t.app.request("/api/events", jsonBody(bob, "POST", { events: [{ type: "play", videoId: "pub1", sessionId: session, at: 1 }] }));
      expect([session, events.status]).toEqual([session, 404]);
    }
    expect(await t.deps.db.select().from(playbackEvents)).toEqual([]);
  });

  it("needs a viewer for every playback route", async () => {
    expect((await t.app.request("/api/events", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await t.app.request("/api/sessions/s1/heartbeat", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await t.app.request("/api/videos/v1/progress")).status).toBe(401);
  });
});

describe("OpenAPI", () => {
  it("documents every API route with its schemas", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/admin/nodes",
      "/api/admin/nodes/{id}",
      "/api/analytics",
      "/api/auth/demo-login",
      "/api/events",
      "/api/nodes/claim",
      "/api/nodes/heartbeat",
      "/api/nodes/jobs/{id}/progress",
      "/api/nodes/jobs/{id}/release",
      "/api/nodes/jobs/{id}/result",
      "/api/nodes/register",
      "/api/sessions/{id}/heartbeat",
      "/api/uploads/tus",
      "/api/videos",
      "/api/videos/{id}",
      "/api/videos/{id}/analytics",
      "/api/videos/{id}/download",
      "/api/videos/{id}/progress",
      "/api/videos/{id}/stream",
      "/api/videos/{id}/subtitles",
      "/api/videos/{id}/subtitles/{trackId}",
      "/healthz",
      "/hls/{id}/{path}",
    ]);
    expect(Object.keys(doc.paths["/api/videos"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/videos/{id}/subtitles"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Video", "Stream", "Download", "Progress", "EventBatch", "Error", "SubtitleTrack"]));
  });
});
