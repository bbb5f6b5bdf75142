// Queries on videos. Visibility rules live here so every route applies the same ones.
import { desc, eq, or } from "drizzle-orm";
import type { Database } from "./database.ts";
import { videos, type NewVideo, type Video } from "./schema.ts";

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

export async function findVideoBySource(db: Database, sha256: string): Promise<Video | undefined> {
  return db.query.videos.findFirst({ where: eq(videos.sourceSha256, sha256) });
}

export async function updateVideo(db: Database, id: string, changes: Partial<NewVideo>): Promise<void> {
  await db
    .update(videos)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(videos.id, id));
}
