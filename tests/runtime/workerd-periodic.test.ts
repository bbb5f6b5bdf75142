// The periodic work under workerd, fired as the Cron Trigger fires it (miniflare's scheduled
// event) against D1: a webhook delivery the receiver refused is retried, and raw events past
// ANALYTICS_RETENTION_DAYS are rolled up with the figures unchanged.
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMiniflareWorker, type MiniflareWorker } from "../helpers/miniflare-worker.ts";
import { until } from "../helpers/processes.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../worker/src/testing/webhook-receiver.ts";
import { SUITE_ENV } from "./route-suite.ts";

const SECRET = "whsec-".padEnd(40, "w");

describe("periodic work under workerd (Cron Trigger, D1)", () => {
  let receiver: WebhookReceiver;
  let worker: MiniflareWorker;
  let alice: string;
  let videoId: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${worker.url}${path}`, { ...init, headers: { Authorization: `Bearer ${alice}`, "Content-Type": "application/json", ...init.headers } });
  const cron = async () => {
    const entry = (await worker.mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<{ outcome: string }> };
    const result = await entry.scheduled({ cron: "* * * * *" });
    expect(result.outcome).toBe("ok");
  };
  const d1 = async <T>(query: string) => (await (await worker.mf.getD1Database("DB")).prepare(query).all<T>()).results;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.failTimes(1);
    worker = await startMiniflareWorker({ ...SUITE_ENV, ANALYTICS_RETENTION_DAYS: "1", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_SECONDS: "1" });
    const bucket = (await worker.mf.getR2Bucket("MEDIA")) as unknown as { put(key: string, body: string): Promise<unknown> };
    await bucket.put("pkg/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n");
    await bucket.put("pkg/meta.json", JSON.stringify(samplePackageMeta({ source: { ...samplePackageMeta().source, durationSec: 10 } })));
    const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"alice"}' });
    alice = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await worker?.close();
    await receiver?.close();
  });

  it("retries from the scheduled handler a webhook the receiver answered 500, with the same delivery id", async () => {
    const created = await api("/api/videos", { method: "POST", body: JSON.stringify({ title: "Ready at once", storageKey: "pkg" }) });
    expect(created.status).toBe(201);
    videoId = ((await created.json()) as { id: string }).id;
    // The first attempt ran after the answer (ctx.waitUntil) and was refused; its outcome is stored.
    const [row] = await until(async () => {
      const rows = await d1<{ id: string; attempts: number; next_attempt_at: number }>("SELECT id, attempts, next_attempt_at FROM webhook_deliveries");
      return rows[0]?.attempts === 1 ? rows : undefined;
    }, "the first attempt's outcome");
    const seen = () => receiver.received.map(({ payload }) => [payload.id, payload.type]);
    expect(seen()).toEqual([[row!.id, "video.ready"]]);
    // Not due until WEBHOOK_RETRY_SECONDS after the failure: wait until the worker's clock has passed it.
    await until(async () => (Date.now() > row!.next_attempt_at + 50 ? true : undefined), "the retry to fall due", 10_000, 50);
    await cron();
    expect(seen()).toEqual([
      [row!.id, "video.ready"],
      [row!.id, "video.ready"],
    ]);
    expect(receiver.refused).toEqual([]);
    expect(await d1("SELECT attempts, next_attempt_at FROM webhook_deliveries")).toEqual([{ attempts: 2, next_attempt_at: null }]);
  });

  it("rolls up events older than ANALYTICS_RETENTION_DAYS into the same figures", async () => {
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const at = Date.parse(`${day}T12:00:00Z`);
    const { sessionId } = (await (await api(`/api/videos/${videoId}/stream`)).json()) as { sessionId: string };
    const events = [
      { type: "start", videoId, sessionId, at, data: { ttffMs: 500 } },
      { type: "quality", videoId, sessionId, at, data: { height: 720 } },
      { type: "stall", videoId, sessionId, at: at + 1000 },
      { type: "error", videoId, sessionId, at: at + 2000, data: { details: "fragLoadError", fatal: true } },
    ];
    expect((await api("/api/events", { method: "POST", body: JSON.stringify({ events }) })).status).toBe(202);
    const read = async () => (await (await api(`/api/videos/${videoId}/analytics?from=${day}&to=${day}`)).json()) as { totals: Record<string, unknown> };
    const before = await read();
    expect(before.totals).toMatchObject({ views: 1, uniqueViewers: 1, ttffMs: { p50: 500, p95: 500 }, rebufferCount: 1, renditions: [{ height: 720, count: 1 }] });
    await cron();
    expect(await d1(`SELECT count(*) AS n FROM playback_events WHERE at < ${Date.now() - 86_400_000}`)).toEqual([{ n: 0 }]);
    expect(await d1("SELECT day, views, ttff_ms, stalls, failures, renditions FROM playback_rollups")).toEqual([
      { day, views: 1, ttff_ms: 500, stalls: 1, failures: '{"fragLoadError":1}', renditions: '{"720":1}' },
    ]);
    expect(await read()).toEqual(before);
  });
});
