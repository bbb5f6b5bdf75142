// The webhook outbox survives a restart: a delivery the receiver refused while one worker ran is
// retried by the next worker on the same database, from the Node entry's own periodic timer.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { startWebhookReceiver, type WebhookReceiver } from "../../worker/src/testing/webhook-receiver.ts";
import { until } from "../helpers/processes.ts";
import { tempDataDir, TEST_SECRETS } from "../helpers/stack.ts";

const SECRET = "whsec-".padEnd(40, "n");

describe("webhook outbox across a restart (Node entry)", () => {
  let receiver: WebhookReceiver;
  let dataDir: string;
  let worker: RunningWorker | undefined;
  const start = (periodicSeconds: string) =>
    startNodeWorker({
      ...TEST_SECRETS,
      DEMO_MODE: "1",
      EDGESTREAM_DATA_DIR: dataDir,
      PORT: "0",
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_RETRY_SECONDS: "1",
      PERIODIC_INTERVAL_SECONDS: periodicSeconds,
    });

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    dataDir = await tempDataDir("webhook-outbox");
  });
  afterAll(async () => {
    await worker?.close();
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("delivers after the restart what the receiver refused before it, with the same delivery id", async () => {
    receiver.failTimes(1);
    // The first worker never runs its timer within the test: only its first attempt is sent.
    worker = await start("3600");
    const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"alice"}' });
    const { token } = (await login.json()) as { token: string };
    const upload = await fetch(`${worker.url}/api/videos?title=Clip`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "video/mp4" }, body: "bytes of a clip" });
    expect(upload.status).toBe(201);
    const { id } = (await upload.json()) as { id: string };
    // close() waits for the first attempt (the background task) before the database closes.
    await worker.close();
    worker = undefined;
    expect(receiver.received.map(({ payload }) => [payload.type, payload.data.video.id])).toEqual([["upload.completed", id]]);

    worker = await start("1");
    await until(async () => (receiver.received.length >= 2 ? true : undefined), "the retry from the restarted worker's timer");
    expect(receiver.received.map(({ payload }) => payload.id)).toEqual([receiver.received[0]!.payload.id, receiver.received[0]!.payload.id]);
    expect(receiver.refused).toEqual([]);
  });
});
