// Webhook emission: a delivery is a row in the outbox (webhook_deliveries) before anything is
// sent, written in the same batch as the change it reports when there is one; the first attempt
// starts at once, and the periodic work retries what failed.
import type { WebhookEventType, WebhookPayload } from "@edgestream/contracts/webhook-signature";
import { nowMs } from "../clock.ts";
import { runAtomically, type BatchItem } from "../db/atomic-batch.ts";
import { webhookDeliveries, type WebhookDelivery } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { attemptDelivery, CLAIM_MS } from "./delivery.ts";

/** A delivery about to be stored, or null when no WEBHOOK_URL is configured. */
export function newDelivery(deps: AppDeps, type: WebhookEventType, data: Record<string, unknown>): WebhookDelivery | null {
  if (!deps.config.WEBHOOK_URL) return null;
  const now = nowMs(deps);
  const payload: WebhookPayload = { id: crypto.randomUUID(), type, createdAt: new Date(now).toISOString(), data };
  return {
    id: payload.id,
    event: type,
    body: JSON.stringify(payload),
    attempts: 0,
    // Held by the first attempt; the periodic work takes over if it never records an outcome.
    nextAttemptAt: new Date(now + CLAIM_MS),
    deliveredAt: null,
    lastError: null,
    createdAt: new Date(now),
  };
}

/** Stores the delivery together with `changes` (one batch), then starts its first attempt. */
export async function storeAndSend(deps: AppDeps, delivery: WebhookDelivery | null, changes: BatchItem[] = []): Promise<void> {
  const writes = delivery ? [...changes, deps.db.insert(webhookDeliveries).values(delivery)] : changes;
  if (writes.length === 1) await writes[0];
  else if (writes.length > 1) await runAtomically(deps.db, writes as [BatchItem, ...BatchItem[]]);
  if (!delivery) return;
  const attempt = attemptDelivery(deps, delivery);
  if (deps.background) deps.background.run(attempt);
  else await attempt;
}

/** Emits an event that comes with no row change of its own (an upload stored, a video deleted). */
export function emitWebhook(deps: AppDeps, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
  return storeAndSend(deps, newDelivery(deps, type, data));
}
