// Signed webhooks end to end: a real HTTP receiver on loopback verifies every delivery with the
// receivers' helper; video changes go through the real routes (a transcode node in memory states
// the job outcomes), retries through the periodic work with the app's clock moved.
import { WEBHOOK_SIGNATURE_HEADER } from "@edgestream/contracts/webhook-signature";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { videos, webhookDeliveries } from "../db/schema.ts";
import { markReady } from "../playback/transitions.ts";
import { runPeriodicWork } from "../periodic/periodic-work.ts";
import { createFakeTranscodeNode, type FakeTranscodeNode } from "../testing/fake-transcode-node.ts";
import { bearer, createTestApp, type TestApp } from "../testing/test-app.ts";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../testing/webhook-receiver.ts";

const SECRET = "whsec-".padEnd(40, "k");

let t: TestApp;
let receiver: WebhookReceiver;
let node: FakeTranscodeNode;
let app: ReturnType<typeof createApp>;
let alice: string;
let clockMs = Date.now();

beforeEach(async () => {
  // The receiver checks signatures against the real clock (5 min tolerance): the app's starts there.
  clockMs = Date.now();
  receiver = await startWebhookReceiver(SECRET);
  t = await createTestApp({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET }, () => clockMs / 1000);
  node = createFakeTranscodeNode();
  app = createApp({ ...t.deps, transcoder: node });
  alice = await t.tokenFor("alice");
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

async function upload(): Promise<string> {
  const response = await app.request("/api/videos?title=Clip", { method: "POST", headers: { Authorization: `Bearer ${alice}`, "Content-Type": "video/mp4" }, body: "not really a video" });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe("webhooks", () => {
  it("sends upload.completed, video.ready, video.failed and video.deleted once each, signed, with distinct delivery ids", async () => {
    node.nextJob = { id: "job-ok", status: "running" };
    const good = await upload();
    node.nextJob = { id: "job-bad", status: "running" };
    const bad = await upload();
    node.jobs.set("job-ok", { id: "job-ok", status: "succeeded", result: { storagePrefix: "pkg-ok", durationMs: 4000 } });
    await t.deps.storage.put("pkg-ok/master.m3u8", "#EXTM3U\n");
    node.jobs.set("job-bad", { id: "job-bad", status: "failed", error: "not a media file ffmpeg can read" });
    // The worker learns of each outcome when it is asked, several times over: still one event each.
    for (let i = 0; i < 3; i++) {
      expect((await app.request(`/api/videos/${good}`, bearer(alice))).status).toBe(200);
      expect((await app.request(`/api/videos/${bad}`, bearer(alice))).status).toBe(200);
    }
    // A writer that records "ready" again (the status stays) announces nothing.
    const ready = await t.deps.db.query.videos.findFirst({ where: eq(videos.id, good) });
    await markReady({ ...t.deps, transcoder: node }, ready!, { storagePrefix: "pkg-ok" });
    expect((await app.request(`/api/videos/${good}`, { method: "DELETE", ...bearer(alice) })).status).toBe(204);

    const events = receiver.received.map(({ payload }) => [payload.type, payload.data.video.id, payload.data.video.status, payload.data.error]);
    expect(events).toEqual([
      ["upload.completed", good, "pending", undefined],
      ["upload.completed", bad, "pending", undefined],
      ["video.ready", good, "ready", undefined],
      ["video.failed", bad, "failed", "not a media file ffmpeg can read"],
      ["video.deleted", good, "ready", undefined],
    ]);
    const ids = receiver.received.map(({ payload }) => payload.id);
    expect(new Set(ids).size).toBe(5);
    expect(receiver.received.every(({ signature }) => /^t=\d+,v1=[0-9a-f]{64}$/.test(signature))).toBe(true);
    expect(receiver.refused).toEqual([]);
    const rows = await t.deps.db.select().from(webhookDeliveries);
    expect(rows.map((r) => [r.attempts, r.deliveredAt !== null, r.nextAttemptAt])).toEqual(Array(5).fill([1, true, null]));
  });

  it("retries a delivery the receiver answered 500 twice: the same delivery arrives on the third try, after the backoff", async () => {
    receiver.failTimes(2);
    const id = await upload();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await t.deps.db.select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ attempts: 1, deliveredAt: null, lastError: "the receiver answered 500" });
    expect(delivery!.nextAttemptAt!.getTime() - clockMs).toBe(30_000);

    clockMs += 29_000; // not due yet
    expect(await runPeriodicWork(t.deps)).toEqual({ webhooksDelivered: 0, webhooksPruned: 0, daysRolledUp: [], uploadsExpired: 0, failed: [] });
    expect(receiver.received).toHaveLength(1);
    clockMs += 1_000;
    expect(await runPeriodicWork(t.deps)).toMatchObject({ webhooksDelivered: 0 });
    expect(receiver.received).toHaveLength(2);
    clockMs += 60_000; // the backoff doubled
    expect(await runPeriodicWork(t.deps)).toMatchObject({ webhooksDelivered: 1 });
    expect(receiver.received).toHaveLength(3);
    clockMs += 3_600_000;
    expect(await runPeriodicWork(t.deps)).toMatchObject({ webhooksDelivered: 0 });

    expect(receiver.received.map((r) => r.body)).toEqual(Array(3).fill(receiver.received[0]!.body));
    expect(receiver.received[0]!.payload).toMatchObject({ type: "upload.completed", data: { video: { id } } });
    const [stored] = await t.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
    expect(stored).toMatchObject({ attempts: 3, lastError: null, nextAttemptAt: null });
    expect(stored!.deliveredAt).not.toBeNull();

    // Kept 30 days after it was created, then pruned.
    clockMs = delivery!.createdAt.getTime() + 30 * 86_400_000;
    expect(await runPeriodicWork(t.deps)).toMatchObject({ webhooksPruned: 0 });
    clockMs += 1;
    expect(await runPeriodicWork(t.deps)).toMatchObject({ webhooksPruned: 1 });
    expect(await t.deps.db.select().from(webhookDeliveries)).toEqual([]);
  });

  it("gives a delivery up after WEBHOOK_MAX_ATTEMPTS", async () => {
    await t.close();
    t = await createTestApp({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, WEBHOOK_MAX_ATTEMPTS: "2" }, () => clockMs / 1000);
    app = createApp({ ...t.deps, transcoder: node });
    receiver.failTimes(5);
    await upload();
    clockMs += 30_000;
    await runPeriodicWork(t.deps);
    clockMs += 60_000;
    await runPeriodicWork(t.deps);
    expect(receiver.received).toHaveLength(2);
    const [stored] = await t.deps.db.select().from(webhookDeliveries);
    expect(stored).toMatchObject({ attempts: 2, deliveredAt: null, nextAttemptAt: null, lastError: "the receiver answered 500" });
  });

  it("a body tampered with on the way fails the receiver's verification", async () => {
    await upload();
    const [{ body, signature }] = receiver.received as [ReceivedWebhook];
    const tampered = body.replace('"upload.completed"', '"video.deleted"');
    const replay = await fetch(receiver.url, { method: "POST", headers: { [WEBHOOK_SIGNATURE_HEADER]: signature }, body: tampered });
    expect(replay.status).toBe(400);
    expect(receiver.refused).toEqual([tampered]);
    expect(receiver.received).toHaveLength(1);
  });
});
