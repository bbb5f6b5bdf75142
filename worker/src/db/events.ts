// Playback events arrive in batches (sendBeacon, heartbeats); one multi-row insert per batch.
import type { Database } from "./database.ts";
import { playbackEvents, type PlaybackEvent } from "./schema.ts";

export async function insertEvents(db: Database, events: PlaybackEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(playbackEvents).values(events);
}
