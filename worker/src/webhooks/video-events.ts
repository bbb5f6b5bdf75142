// What each video webhook says. Status changes (video.ready, video.failed) are emitted by the one
// status writer (playback/transitions.ts); creation and deletion by the routes that do them.
import { isOwnUpload } from "@edgestream/contracts";
import type { WebhookEventType } from "@edgestream/contracts/webhook-signature";
import type { BatchItem } from "../db/atomic-batch.ts";
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { toPublicVideo } from "../routes/public-video.ts";
import { emitWebhook, newDelivery, storeAndSend } from "./outbox.ts";

/** The event a move into this status announces. */
export const STATUS_EVENTS: Partial<Record<Video["status"], WebhookEventType>> = { ready: "video.ready", failed: "video.failed" };

/** `data` of every video event: the video as the API shows it, and why it failed. */
export function videoEventData(video: Video): Record<string, unknown> {
  return { video: toPublicVideo(video), ...(video.status === "failed" ? { error: video.error } : {}) };
}

/** A video just stored: an upload whose whole body is in storage, or media registered ready at once. */
export async function videoCreated(deps: AppDeps, video: Video): Promise<void> {
  if (video.sourceKey && isOwnUpload(video.sourceKey, video.id)) await emitWebhook(deps, "upload.completed", videoEventData(video));
  if (video.status === "ready") await emitWebhook(deps, "video.ready", videoEventData(video));
}

/** Runs the deletion's writes with the video.deleted delivery, in one batch. */
export function videoDeleted(deps: AppDeps, video: Video, deletes: BatchItem[]): Promise<void> {
  return storeAndSend(deps, newDelivery(deps, "video.deleted", videoEventData(video)), deletes);
}
