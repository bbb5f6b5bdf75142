// Queries on videos. Visibility rules live here so every route applies the same ones.
import { and, desc, eq, ne, or } from "drizzle-orm";
import type { BatchItem } from "./atomic-batch.ts";
import type { Database } from "./database.ts";
import { deleteSidecarsQuery } from "./sidecar-subtitles.ts";
import { jobs, playbackEvents, playbackProgress, playbackRollups, videos, type NewVideo, type Video } from "./schema.ts";

export async function insertVideo(db: Database, video: NewVideo): Promise<Video> {
  const [row] = await db.insert(videos).values(video).returning();
  return row!;
}

/** The video if this viewer may see it; otherwise undefined, so callers answer 404 and existence does not leak. */
export async function findVisibleVideo(db: Database, id: string, viewerId: string): Promise<Video | undefined> {
  const row = await db.query.videos.findFirst({ where: eq(videos.id, id) });
  if (!row) return undefined;
  return row.ownerId === viewerId || row.visibility !== "private" ? row : undefined;
}

/** The viewer's own videos and public ones (unlisted ones are reachable by id only). */
export async function listVisibleVideos(db: Database, viewerId: string): Promise<Video[]> {
  return db
    .select()
    .from(videos)
    .where(or(eq(videos.ownerId, viewerId), eq(videos.visibility, "public")))
    .orderBy(desc(videos.createdAt));
}

export async function findVideo(db: Database, id: string): Promise<Video | undefined> {
  return db.query.videos.findFirst({ where: eq(videos.id, id) });
}

export async function findVideoBySource(db: Database, sha256: string): Promise<Video | undefined> {
  return db.query.videos.findFirst({ where: eq(videos.sourceSha256, sha256) });
}

export async function updateVideo(db: Database, id: string, changes: Partial<NewVideo>): Promise<void> {
  await updateVideoQuery(db, id, changes);
}

/** The update, not yet run: for a batch that must land with it (a status change and its webhook). */
export function updateVideoQuery(db: Database, id: string, changes: Partial<NewVideo>) {
  return db
    .update(videos)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(videos.id, id));
}

/** True when another video still points at this storage prefix (identical uploads share one package). */
export async function isPrefixShared(db: Database, prefix: string, exceptId: string): Promise<boolean> {
  const other = await db.query.videos.findFirst({ where: and(eq(videos.storagePrefix, prefix), ne(videos.id, exceptId)) });
  return other !== undefined;
}

/**
 * The deletes that remove a video and everything recorded about it (explicitly: not every driver
 * enforces foreign keys), not yet run: the caller batches them with the video.deleted webhook.
 */
export function deleteVideoQueries(db: Database, id: string): [BatchItem, ...BatchItem[]] {
  return [
    db.delete(playbackEvents).where(eq(playbackEvents.videoId, id)),
    db.delete(jobs).where(eq(jobs.videoId, id)),
    db.delete(playbackProgress).where(eq(playbackProgress.videoId, id)),
    db.delete(playbackRollups).where(eq(playbackRollups.videoId, id)),
    deleteSidecarsQuery(db, id),
    db.delete(videos).where(eq(videos.id, id)),
  ];
}
