// The one writer of a video's status. A video moves pending → generating → ready | failed, may go
// straight from pending to ready (a job that found its package already stored) or failed (the node
// refused the source), and never leaves ready or failed. Anything else is a bug, refused loudly.
import { updateVideoQuery } from "../db/videos.ts";
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import type { PackageFacts } from "../storage/package-meta.ts";
import { newDelivery, storeAndSend } from "../webhooks/outbox.ts";
import { STATUS_EVENTS, videoEventData } from "../webhooks/video-events.ts";

type Status = Video["status"];

const NEXT: Record<Status, readonly Status[]> = {
  pending: ["pending", "generating", "ready", "failed"],
  generating: ["generating", "ready", "failed"],
  ready: ["ready"],
  failed: ["failed"],
};

/** What a ready video records: where its package is, and what is known about it. */
export type ReadyPackage = { storagePrefix: string } & Partial<PackageFacts>;

export class StatusTransitionError extends Error {
  constructor(readonly from: Status, readonly to: Status) {
    super(`a video cannot move from ${from} to ${to}`);
    this.name = "StatusTransitionError";
  }
}

/**
 * Stores changes to a video (its status only along the allowed moves) and returns the video as
 * stored. A move into ready or failed stores its webhook delivery in the same batch: the worker
 * never knows a change it has not queued to tell.
 */
export async function advance(deps: AppDeps, video: Video, changes: Partial<Video>): Promise<Video> {
  if (changes.status && !NEXT[video.status].includes(changes.status)) throw new StatusTransitionError(video.status, changes.status);
  const stored = { ...video, ...changes };
  const event = changes.status && changes.status !== video.status ? STATUS_EVENTS[changes.status] : undefined;
  await storeAndSend(deps, event ? newDelivery(deps, event, videoEventData(stored)) : null, [updateVideoQuery(deps.db, video.id, changes)]);
  return stored;
}

export function markReady(deps: AppDeps, video: Video, facts: ReadyPackage, more: Partial<Video> = {}): Promise<Video> {
  return advance(deps, video, { ...more, status: "ready", progress: 1, error: null, ...facts });
}

/** `error` is shown to the viewer: it says what to do, and names no server path or URL. */
export function markFailed(deps: AppDeps, video: Video, error: string, more: Partial<Video> = {}): Promise<Video> {
  return advance(deps, video, { ...more, status: "failed", error });
}
