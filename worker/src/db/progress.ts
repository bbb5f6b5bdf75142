// Playback progress: one row per (viewer, video), written by an idempotent upsert. A write only
// lands when its client time is not older than the stored one, so retries, replays and racing
// tabs can never move a viewer back to a stale position or leave a half-written row.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { playbackProgress, type PlaybackProgress } from "./schema.ts";

export interface ProgressWrite {
  viewerId: string;
  videoId: string;
  positionSec: number;
  durationSec?: number | null;
  clientTime: number;
}

export async function saveProgress(db: Database, write: ProgressWrite): Promise<void> {
  await db
    .insert(playbackProgress)
    .values({ ...write, durationSec: write.durationSec ?? null, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [playbackProgress.viewerId, playbackProgress.videoId],
      set: {
        positionSec: sql`excluded.position_sec`,
        durationSec: sql`coalesce(excluded.duration_sec, ${playbackProgress.durationSec})`,
        clientTime: sql`excluded.client_time`,
        updatedAt: sql`excluded.updated_at`,
      },
      setWhere: sql`excluded.client_time >= ${playbackProgress.clientTime}`,
    });
}

export async function getProgress(db: Database, viewerId: string, videoId: string): Promise<PlaybackProgress | undefined> {
  return db.query.playbackProgress.findFirst({
    where: and(eq(playbackProgress.viewerId, viewerId), eq(playbackProgress.videoId, videoId)),
  });
}
