// Sending one webhook delivery, and retrying the due ones. Delivery is at least once: a receiver
// that answered 2xx but whose answer was lost gets the same delivery (same id) again.
import { and, asc, eq, isNull, lt, lte } from "drizzle-orm";
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from "@edgestream/contracts/webhook-signature";
import { nowMs, nowSeconds } from "../clock.ts";
import { webhookDeliveries, type WebhookDelivery } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";

/** An attempt in flight holds its row this long; one whose process died is retried after it. */
export const CLAIM_MS = 60_000;
const TIMEOUT_MS = 10_000;
const MAX_DELAY_MS = 6 * 3600 * 1000;
/** Due deliveries sent per periodic run. */
const RETRY_BATCH = 25;
/** Delivered and given-up deliveries are kept this long (for an operator to look at), then deleted. */
export const KEEP_FINISHED_MS = 30 * 86_400_000;

/** The wait after `failures` failed attempts: WEBHOOK_RETRY_SECONDS, doubling, at most 6 hours. */
export function retryDelayMs(baseSeconds: number, failures: number): number {
  return Math.min(baseSeconds * 1000 * 2 ** (failures - 1), MAX_DELAY_MS);
}

/** POSTs the delivery, signed now, and records the outcome: delivered, retry later, or given up. */
export async function attemptDelivery(deps: AppDeps, delivery: WebhookDelivery): Promise<boolean> {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret, WEBHOOK_MAX_ATTEMPTS: maxAttempts, WEBHOOK_RETRY_SECONDS: base } = deps.config;
  let error: string | null = null;
  try {
    const response = await fetch(url!, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "EdgeStream-Webhooks/1",
        [WEBHOOK_SIGNATURE_HEADER]: await signWebhook(secret!, delivery.body, nowSeconds(deps)),
      },
      body: delivery.body,
      // A redirect is not followed: the signed body goes only where it was configured to go.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) error = `the receiver answered ${response.status}`;
  } catch (cause) {
    error = `the receiver could not be reached: ${(cause as Error).message}`;
  }
  const attempts = delivery.attempts + 1;
  const now = nowMs(deps);
  const retry = error !== null && attempts < maxAttempts;
  await deps.db
    .update(webhookDeliveries)
    .set({
      attempts,
      lastError: error,
      deliveredAt: error === null ? new Date(now) : null,
      nextAttemptAt: retry ? new Date(now + retryDelayMs(base, attempts)) : null,
    })
    .where(eq(webhookDeliveries.id, delivery.id));
  return error === null;
}

/** Sends the deliveries whose retry is due; answers how many were delivered. */
export async function retryDueWebhooks(deps: AppDeps): Promise<number> {
  if (!deps.config.WEBHOOK_URL) return 0;
  const now = nowMs(deps);
  const due = await deps.db
    .select()
    .from(webhookDeliveries)
    .where(lte(webhookDeliveries.nextAttemptAt, new Date(now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(RETRY_BATCH);
  const sent = await Promise.all(
    due.map(async (delivery) => {
      // Claimed by moving its due time: of two runs that read the same row (two servers, a timer
      // and a cron), only the one whose update matched sends.
      const claimed = await deps.db
        .update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(now + CLAIM_MS) })
        .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.nextAttemptAt, delivery.nextAttemptAt!)))
        .returning({ id: webhookDeliveries.id });
      return claimed.length > 0 && (await attemptDelivery(deps, delivery));
    }),
  );
  return sent.filter(Boolean).length;
}

/** Deletes deliveries that finished (delivered or given up) more than KEEP_FINISHED_MS ago, by creation. */
export async function pruneFinishedDeliveries(deps: AppDeps): Promise<number> {
  const removed = await deps.db
    .delete(webhookDeliveries)
    .where(and(isNull(webhookDeliveries.nextAttemptAt), lt(webhookDeliveries.createdAt, new Date(nowMs(deps) - KEEP_FINISHED_MS))))
    .returning({ id: webhookDeliveries.id });
  return removed.length;
}
