// Retention: raw events older than ANALYTICS_RETENTION_DAYS are rolled up into playback_rollups
// (the same session summaries the reads compute) and deleted, one whole UTC day per batch, so a
// day is always either raw or rolled up and the figures stay the same.
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { runAtomically } from "../db/atomic-batch.ts";
import { SUMMARY_COLUMNS, summaryCte } from "./session-summary.ts";
import { DAY_MS, dayOf, dayStartMs } from "./utc-days.ts";

/** Days rolled up per run at most, so one run stays short (a Cron Trigger has a CPU budget). */
const MAX_DAYS_PER_RUN = 7;

/** Rolls up the oldest days before the retention cut-off; answers the days rolled up. */
export async function rollUpOldEvents(db: Database, retentionDays: number, nowMs: number): Promise<string[]> {
  const cutoff = dayStartMs(dayOf(nowMs)) - retentionDays * DAY_MS;
  const rolled: string[] = [];
  while (rolled.length < MAX_DAYS_PER_RUN) {
    const [oldest] = await db.all<{ at: number | null }>(sql`SELECT min(at) AS at FROM playback_events WHERE at < ${cutoff}`);
    if (oldest?.at === null || oldest?.at === undefined) break;
    const day = dayOf(Number(oldest.at));
    // Integers written into the text, not bound: drizzle's D1 batch cannot bind parameters of raw SQL.
    const filter = sql.raw(`at >= ${Math.trunc(dayStartMs(day))} AND at < ${Math.trunc(dayStartMs(day) + DAY_MS)}`);
    await runAtomically(db, [
      db.run(sql`${summaryCte(filter)} INSERT INTO playback_rollups (${SUMMARY_COLUMNS}) SELECT ${SUMMARY_COLUMNS} FROM summary`),
      db.run(sql`DELETE FROM playback_events WHERE ${filter}`),
    ]);
    rolled.push(day);
  }
  return rolled;
}
