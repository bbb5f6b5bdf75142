// The work no request waits for, as one function every runtime calls on its own schedule: a
// Cron Trigger on Workers (runtime/cloudflare.ts `scheduled`), a timer on Node and Deno
// (periodic-timer.ts). Each task runs even when another failed.
import { rollUpOldEvents } from "../analytics/rollup.ts";
import { nowMs, nowSeconds } from "../clock.ts";
import type { AppDeps } from "../env.ts";
import { expireAbandonedUploads } from "../uploads/expire.ts";
import { pruneFinishedDeliveries, retryDueWebhooks } from "../webhooks/delivery.ts";

export interface PeriodicReport {
  /** Webhook retries that were delivered this run. */
  webhooksDelivered: number;
  /** Finished deliveries older than 30 days, deleted. */
  webhooksPruned: number;
  /** UTC days whose raw events were rolled up and deleted. */
  daysRolledUp: string[];
  /** Abandoned resumable uploads removed (older than UPLOAD_EXPIRY_SECONDS, unfinished). */
  uploadsExpired: number;
  /** Tasks that failed, with their error (also logged). */
  failed: string[];
}

export async function runPeriodicWork(deps: AppDeps): Promise<PeriodicReport> {
  const failed: string[] = [];
  const task = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      console.error(`periodic work: ${name} failed:`, error);
      failed.push(`${name}: ${(error as Error).message}`);
      return fallback;
    }
  };
  const webhooksDelivered = await task("webhook retries", () => retryDueWebhooks(deps), 0);
  const webhooksPruned = await task("webhook pruning", () => pruneFinishedDeliveries(deps), 0);
  const daysRolledUp = await task("analytics roll-up", () => rollUpOldEvents(deps.db, deps.config.ANALYTICS_RETENTION_DAYS, nowMs(deps)), [] as string[]);
  const uploadsExpired = await task("upload expiry", () => expireAbandonedUploads(deps, nowSeconds(deps)), 0);
  return { webhooksDelivered, webhooksPruned, daysRolledUp, uploadsExpired, failed };
}
