// Analytics read-back through the real routes: playback sessions with known starts, heartbeats,
// stalls, failures and renditions are recorded through /stream, /api/events and heartbeats (the
// server's clock injected), then every figure is checked, before and after the roll-up.
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rollUpOldEvents } from "../analytics/rollup.ts";
import { createTestApp, bearer, jsonBody, type TestApp } from "../testing/test-app.ts";

let t: TestApp;
let clockMs = Date.parse("2026-12-01T00:00:00Z");
const setClock = (iso: string) => (clockMs = Date.parse(iso));
const tokens: Record<string, string> = {};

beforeEach(async () => {
  t = await createTestApp({}, () => clockMs / 1000);
  for (const name of ["alice", "bob", "carol", "dave"]) tokens[name] = await t.tokenFor(name);
  tokens.admin = await t.tokenFor("root", ["admin"]);
});
afterEach(() => t.close());

async function packagedVideo(owner: string, prefix: string, durationSec: number): Promise<string> {
  await t.deps.storage.put(`${prefix}/master.m3u8`, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
  await t.deps.storage.put(`${prefix}/meta.json`, JSON.stringify(samplePackageMeta({ source: { ...samplePackageMeta().source, durationSec } })));
  const created = await t.app.request("/api/videos", jsonBody(tokens.admin!, "POST", { title: prefix, storageKey: prefix, visibility: "public" }));
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  // Registered by an admin, handed to its owner (ownership transfer is not an API).
  await t.deps.db.run(sql`UPDATE videos SET owner_id = ${owner} WHERE id = ${id}`);
  return id;
}

/** One playback session from /stream; its events and heartbeats go through the routes. */
async function session(viewer: string, videoId: string) {
  const stream = await t.app.request(`/api/videos/${videoId}/stream`, bearer(tokens[viewer]!));
  expect(stream.status).toBe(200);
  const { sessionId } = (await stream.json()) as { sessionId: string };
  return {
    async event(type: string, iso: string, data?: Record<string, unknown>) {
      const response = await t.app.request("/api/events", jsonBody(tokens[viewer]!, "POST", { events: [{ type, videoId, sessionId, at: Date.parse(iso), ...(data ? { data } : {}) }] }));
      expect(response.status).toBe(202);
    },
    async heartbeat(iso: string, positionSec: number) {
      setClock(iso);
      const response = await t.app.request(`/api/sessions/${sessionId}/heartbeat`, jsonBody(tokens[viewer]!, "POST", { videoId, positionSec }));
      expect(response.status).toBe(204);
    },
  };
}

const EMPTY_DAY = {
  views: 0,
  uniqueViewers: 0,
  watchTimeSec: 0,
  completionRate: null,
  ttffMs: { p50: null, p95: null },
  rebufferCount: 0,
  rebufferRatio: null,
  failures: { count: 0, reasons: [] },
  renditions: [],
};

const DAY1 = {
  date: "2026-12-01",
  views: 2,
  uniqueViewers: 2,
  watchTimeSec: 110, // carol 30 + 30 + 10 (a 35 s seek ahead in 10 s counts 10); dave 30 + 0 (back) + 10 (10 s moved in 20 s)
  completionRate: 0.5, // carol reached 95 of 100 s (≥ 90 %), dave 40
  ttffMs: { p50: 400, p95: 1200 }, // [400, 1200]: ranks ⌈0.5·2⌉ = 1 and ⌈0.95·2⌉ = 2
  rebufferCount: 3,
  rebufferRatio: 0.0273, // 3 s stalled / 110 s watched
  failures: { count: 0, reasons: [] },
  renditions: [
    { height: 720, count: 2 },
    { height: 480, count: 1 },
  ],
};

const DAY2 = {
  date: "2026-12-02",
  views: 1,
  uniqueViewers: 1,
  watchTimeSec: 20,
  completionRate: 0,
  ttffMs: { p50: 800, p95: 800 },
  rebufferCount: 0,
  rebufferRatio: 0,
  failures: {
    count: 2,
    reasons: [
      { reason: "manifestLoadError", count: 1 },
      { reason: "stream-request-failed", count: 1 },
    ],
  },
  renditions: [{ height: 1080, count: 1 }],
};

const TOTALS = {
  views: 3,
  uniqueViewers: 2,
  watchTimeSec: 130,
  completionRate: 0.3333,
  ttffMs: { p50: 800, p95: 1200 }, // [400, 800, 1200]: ranks 2 and 3
  rebufferCount: 3,
  rebufferRatio: 0.0231, // 3 / 130
  failures: DAY2.failures,
  renditions: [{ height: 1080, count: 1 }, ...DAY1.renditions],
};

async function seedSessions(videoId: string) {
  const s1 = await session("carol", videoId);
  await s1.event("start", "2026-12-01T10:00:00Z", { ttffMs: 400, engine: "hls.js" });
  await s1.event("quality", "2026-12-01T10:00:00Z", { height: 720, bitrate: 2_000_000 });
  await s1.heartbeat("2026-12-01T10:00:00Z", 0);
  await s1.heartbeat("2026-12-01T10:00:30Z", 30);
  await s1.event("stall", "2026-12-01T10:00:40Z", { position: 40 });
  await s1.event("rebuffer", "2026-12-01T10:00:41Z", { ms: 1500 });
  await s1.event("quality", "2026-12-01T10:00:41Z", { height: 480, bitrate: 800_000 });
  await s1.heartbeat("2026-12-01T10:01:00Z", 60);
  await s1.heartbeat("2026-12-01T10:01:10Z", 95);
  await s1.event("qoe", "2026-12-01T10:01:10Z", { rebufferCount: 1, rebufferMs: 1500 });

  const s2 = await session("dave", videoId);
  await s2.event("start", "2026-12-01T11:00:00Z", { ttffMs: 1200, engine: "hls.js" });
  await s2.event("quality", "2026-12-01T11:00:00Z", { height: 720, bitrate: 2_000_000 });
  await s2.heartbeat("2026-12-01T11:00:00Z", 10);
  await s2.heartbeat("2026-12-01T11:00:30Z", 40);
  await s2.heartbeat("2026-12-01T11:00:40Z", 20);
  await s2.heartbeat("2026-12-01T11:01:00Z", 30);
  for (const [stall, ms] of [["11:00:10", 500], ["11:00:50", 1000]] as const) {
    await s2.event("stall", `2026-12-01T${stall}Z`, { position: 20 });
    await s2.event("rebuffer", `2026-12-01T${stall}Z`, { ms });
  }

  const s3 = await session("carol", videoId);
  await s3.event("start", "2026-12-02T09:00:00Z", { ttffMs: 800, engine: "hls.js" });
  await s3.event("quality", "2026-12-02T09:00:00Z", { height: 1080, bitrate: 5_000_000 });
  await s3.heartbeat("2026-12-02T09:00:00Z", 0);
  await s3.heartbeat("2026-12-02T09:00:20Z", 20);
  await s3.event("error", "2026-12-02T09:00:25Z", { type: "network", details: "fragLoadError", fatal: false, message: "retrying" });
  await s3.event("error", "2026-12-02T09:00:30Z", { type: "network", details: "manifestLoadError", fatal: true, message: "gone" });

  // Never reached a first frame: a failure, no view (a session id alone is not a view).
  const s4 = await session("dave", videoId);
  await s4.event("error", "2026-12-02T12:00:00Z", { type: "network", details: "stream-request-failed", fatal: true, message: "offline" });
}

describe("GET /api/videos/:id/analytics", () => {
  it("reports every figure by day and in total, the same after the old days are rolled up", async () => {
    const videoId = await packagedVideo("alice", "pkgA", 100);
    await seedSessions(videoId);
    setClock("2026-12-03T12:00:00Z");

    const read = async () => {
      const response = await t.app.request(`/api/videos/${videoId}/analytics?from=2026-12-01&to=2026-12-03`, bearer(tokens.alice!));
      expect(response.status).toBe(200);
      return response.json();
    };
    const expected = { from: "2026-12-01", to: "2026-12-03", totals: TOTALS, days: [DAY1, DAY2, { date: "2026-12-03", ...EMPTY_DAY }] };
    expect(await read()).toEqual(expected);

    // Keep one day of raw events: 12-01 is rolled up; then keep none: 12-02 too.
    const countRaw = async () => (await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM playback_events`))[0]!.n;
    const before = await countRaw();
    expect(await rollUpOldEvents(t.deps.db, 1, clockMs)).toEqual(["2026-12-01"]);
    expect(await countRaw()).toBeLessThan(before);
    expect(await read()).toEqual(expected);
    setClock("2026-12-10T00:00:00Z");
    expect(await rollUpOldEvents(t.deps.db, 1, clockMs)).toEqual(["2026-12-02"]);
    expect(await countRaw()).toBe(0);
    expect(await read()).toEqual(expected);
  });

  it("counts events sent without a session id as one session per viewer and day", async () => {
    const videoId = await packagedVideo("alice", "pkgS", 100);
    const at = Date.parse("2026-12-01T08:00:00Z");
    const events = [
      { type: "start", videoId, at, data: { ttffMs: 900 } },
      { type: "start", videoId, at: at + 60_000, data: { ttffMs: 300 } },
      { type: "start", videoId, at: at + 86_400_000, data: { ttffMs: -1 } }, // the SDK's "unknown"
    ];
    expect((await t.app.request("/api/events", jsonBody(tokens.carol!, "POST", { events }))).status).toBe(202);
    const report = (await (await t.app.request(`/api/videos/${videoId}/analytics?from=2026-12-01&to=2026-12-02`, bearer(tokens.alice!))).json()) as {
      totals: { views: number; uniqueViewers: number; ttffMs: unknown };
      days: { views: number; ttffMs: unknown }[];
    };
    expect(report.totals).toMatchObject({ views: 3, uniqueViewers: 1, ttffMs: { p50: 300, p95: 300 } });
    expect(report.days.map((d) => [d.views, d.ttffMs])).toEqual([
      [2, { p50: 300, p95: 300 }],
      [1, { p50: null, p95: null }],
    ]);
  });

  it("answers 404 to a viewer who does not own the video, public or not, and 200 to an admin", async () => {
    const videoId = await packagedVideo("alice", "pkgB", 100);
    const asBob = await t.app.request(`/api/videos/${videoId}/analytics`, bearer(tokens.bob!));
    expect(asBob.status).toBe(404);
    expect(await asBob.json()).toEqual({ error: { code: "not_found", message: "no such video" } });
    expect((await t.app.request("/api/videos/nope/analytics", bearer(tokens.alice!))).status).toBe(404);
    expect((await t.app.request(`/api/videos/${videoId}/analytics`)).status).toBe(401);
    const anonymous = await t.app.request("/api/analytics");
    expect([anonymous.status, anonymous.headers.get("cache-control")]).toEqual([401, "private, no-store"]);
    const asAdmin = await t.app.request(`/api/videos/${videoId}/analytics?to=2026-12-01`, bearer(tokens.admin!));
    expect(asAdmin.status).toBe(200);
    const report = (await asAdmin.json()) as { from: string; days: unknown[] };
    expect([report.from, report.days.length]).toEqual(["2026-11-02", 30]);
  });

  it("answers 400 naming the parameter for a bad day, a reversed or an over-long window", async () => {
    const videoId = await packagedVideo("alice", "pkgC", 100);
    const ask = async (query: string) => {
      const response = await t.app.request(`/api/videos/${videoId}/analytics?${query}`, bearer(tokens.alice!));
      return [response.status, ((await response.json()) as { error: { message: string } }).error.message];
    };
    expect(await ask("from=2026-02-30")).toEqual([400, "from: must be a real calendar day"]);
    expect(await ask("to=yesterday")).toEqual([400, "to: must be a UTC day, YYYY-MM-DD"]);
    expect(await ask("from=2026-12-02&to=2026-12-01")).toEqual([400, "to: must not be before from"]);
    expect(await ask("from=2025-01-01&to=2026-12-01")).toEqual([400, "to: the window is 700 days; ask for at most 366"]);
  });
});

describe("GET /api/analytics", () => {
  it("covers the caller's own videos, and every video for an admin", async () => {
    const mine = await packagedVideo("alice", "pkgD", 100);
    const bobs = await packagedVideo("bob", "pkgE", 100);
    await seedSessions(mine);
    const other = await session("carol", bobs);
    await other.event("start", "2026-12-01T15:00:00Z", { ttffMs: 100 });
    setClock("2026-12-03T12:00:00Z");
    const totals = async (viewer: string) => {
      const response = await t.app.request("/api/analytics?from=2026-12-01&to=2026-12-03", bearer(tokens[viewer]!));
      expect(response.status).toBe(200);
      return ((await response.json()) as { totals: { views: number; uniqueViewers: number } }).totals;
    };
    expect(await totals("alice")).toEqual(TOTALS);
    expect(await totals("bob")).toMatchObject({ views: 1, uniqueViewers: 1 });
    expect(await totals("dave")).toEqual(EMPTY_DAY);
    expect(await totals("admin")).toMatchObject({ views: 4, uniqueViewers: 2, ttffMs: { p50: 400, p95: 1200 } });
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/videos/{id}/analytics", "/api/analytics"]));
    expect(doc.components.schemas).toHaveProperty("Analytics");
  });
});
