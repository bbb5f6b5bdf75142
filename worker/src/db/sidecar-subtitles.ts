// Queries on sidecar subtitle tracks: the rows beside each track's WebVTT in storage.
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "./database.ts";
import { sidecarSubtitles, videos, type SidecarSubtitle } from "./schema.ts";

export type NewSidecarSubtitle = typeof sidecarSubtitles.$inferInsert;

export async function insertSidecar(db: Database, row: NewSidecarSubtitle): Promise<SidecarSubtitle> {
  const [inserted] = await db.insert(sidecarSubtitles).values(row).returning();
  return inserted!;
}

/** A video's sidecar tracks, oldest first (the order the master playlist lists them in). */
export async function listSidecars(db: Database, videoId: string): Promise<SidecarSubtitle[]> {
  return db.select().from(sidecarSubtitles).where(eq(sidecarSubtitles.videoId, videoId)).orderBy(asc(sidecarSubtitles.createdAt), asc(sidecarSubtitles.id));
}

/** Whether the video has any sidecar: decides which master /stream hands out. */
export async function hasSidecars(db: Database, videoId: string): Promise<boolean> {
  const row = await db.select({ id: sidecarSubtitles.id }).from(sidecarSubtitles).where(eq(sidecarSubtitles.videoId, videoId)).limit(1);
  return row.length > 0;
}

/** One track of a video with the video's duration (its media playlist is one segment that long). */
export async function findSidecarWithDuration(db: Database, videoId: string, trackId: string): Promise<{ track: SidecarSubtitle; durationMs: number | null } | undefined> {
  const [row] = await db
    .select({ track: sidecarSubtitles, durationMs: videos.durationMs })
    .from(sidecarSubtitles)
    .innerJoin(videos, eq(videos.id, sidecarSubtitles.videoId))
    .where(and(eq(sidecarSubtitles.videoId, videoId), eq(sidecarSubtitles.id, trackId)));
  return row;
}

/** Deletes one track of a video; the deleted row, or undefined when the video has no such track. */
export async function deleteSidecar(db: Database, videoId: string, trackId: string): Promise<SidecarSubtitle | undefined> {
  const [row] = await db.delete(sidecarSubtitles).where(and(eq(sidecarSubtitles.videoId, videoId), eq(sidecarSubtitles.id, trackId))).returning();
  return row;
}

/** The delete of every track of a video, not yet run (batched with the video's own deletion). */
export function deleteSidecarsQuery(db: Database, videoId: string) {
  return db.delete(sidecarSubtitles).where(eq(sidecarSubtitles.videoId, videoId));
}
