// Analytics read-back: the figures of a window of UTC days, per day and in total, aggregated in SQL
// over the session summaries of raw events unioned with the stored roll-ups.
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { SUMMARY_COLUMNS, summaryCte } from "./session-summary.ts";
import { DAY_MS, dayStartMs, daysBetween } from "./utc-days.ts";

/** Which videos a read covers. */
export type AnalyticsScope = { videoId: string } | { ownerId: string } | { all: true };

export interface Figures {
  views: number;
  uniqueViewers: number;
  watchTimeSec: number;
  completionRate: number | null;
  ttffMs: { p50: number | null; p95: number | null };
  rebufferCount: number;
  rebufferRatio: number | null;
  failures: { count: number; reasons: { reason: string; count: number }[] };
  renditions: { height: number; count: number }[];
}

export interface AnalyticsReport {
  from: string;
  to: string;
  totals: Figures;
  days: (Figures & { date: string })[];
}

/** A view completes when the furthest heartbeat position reaches this share of the video's duration. */
export const COMPLETION_SHARE = 0.9;

const TOTAL = "total";

function scopeFilter(scope: AnalyticsScope): SQL {
  if ("videoId" in scope) return sql`video_id = ${scope.videoId}`;
  if ("ownerId" in scope) return sql`video_id IN (SELECT id FROM videos WHERE owner_id = ${scope.ownerId})`;
  return sql`1 = 1`;
}

/** Session rows of the window, each twice: under its day and under "total". */
function bucketedSessions(scope: AnalyticsScope, from: string, to: string): SQL {
  const filter = scopeFilter(scope);
  const events = sql`${filter} AND at >= ${dayStartMs(from)} AND at < ${dayStartMs(to) + DAY_MS}`;
  return sql`${summaryCte(events)},
  sessions AS MATERIALIZED (
    SELECT ${SUMMARY_COLUMNS} FROM summary
    UNION ALL
    SELECT ${SUMMARY_COLUMNS} FROM playback_rollups WHERE ${filter} AND day >= ${from} AND day <= ${to}
  ),
  b AS (SELECT s.*, s.day AS bucket FROM sessions s UNION ALL SELECT s.*, ${TOTAL} AS bucket FROM sessions s)`;
}

/** One row per bucket (kind "figures"), and one per failure reason or rendition in a bucket. */
interface ResultRow {
  bucket: string;
  kind: "figures" | "failure" | "rendition";
  name: string | null;
  n: number | null;
  views: number;
  unique_viewers: number;
  viewed_sessions: number;
  completed: number;
  watch_ms: number;
  stalls: number;
  stall_ms: number;
  p50: number | null;
  p95: number | null;
}

export async function readAnalytics(db: Database, scope: AnalyticsScope, from: string, to: string): Promise<AnalyticsReport> {
  // One statement, so the session summaries are computed once.
  // TTFF percentiles by nearest rank: the ⌈p·n⌉-th smallest, in integer arithmetic (no ceil() needed).
  const rows = await db.all<ResultRow>(sql`${bucketedSessions(scope, from, to)},
  ttff AS (
    SELECT bucket, ttff_ms, ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY ttff_ms) AS rn, COUNT(*) OVER (PARTITION BY bucket) AS n
    FROM b WHERE views > 0 AND ttff_ms IS NOT NULL
  ),
  pct AS (
    SELECT bucket, max(CASE WHEN rn = (n + 1) / 2 THEN ttff_ms END) AS p50, max(CASE WHEN rn = (95 * n + 99) / 100 THEN ttff_ms END) AS p95
    FROM ttff GROUP BY bucket
  )
  SELECT b.bucket, 'figures' AS kind, NULL AS name, NULL AS n, sum(b.views) AS views, count(DISTINCT CASE WHEN b.views > 0 THEN b.viewer_id END) AS unique_viewers,
         sum(b.views > 0) AS viewed_sessions,
         sum(b.views > 0 AND v.duration_ms > 0 AND b.max_position_sec * 1000 >= ${COMPLETION_SHARE} * v.duration_ms) AS completed,
         sum(b.watch_ms) AS watch_ms, sum(b.stalls) AS stalls, sum(b.stall_ms) AS stall_ms, pct.p50, pct.p95
  FROM b LEFT JOIN videos v ON v.id = b.video_id LEFT JOIN pct ON pct.bucket = b.bucket
  GROUP BY b.bucket
  UNION ALL
  SELECT bucket, 'failure', j.key, sum(j.value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM b, json_each(b.failures) j GROUP BY bucket, j.key
  UNION ALL
  SELECT bucket, 'rendition', j.key, sum(j.value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM b, json_each(b.renditions) j GROUP BY bucket, j.key`);

  const figures = (bucket: string): Figures => {
    const row = rows.find((r) => r.bucket === bucket && r.kind === "figures");
    const mix = rows.filter((m) => m.bucket === bucket && m.kind !== "figures");
    const watchMs = Number(row?.watch_ms ?? 0);
    const viewed = Number(row?.viewed_sessions ?? 0);
    const reasons = mix.filter((m) => m.kind === "failure").map((m) => ({ reason: String(m.name), count: Number(m.n) }));
    return {
      views: Number(row?.views ?? 0),
      uniqueViewers: Number(row?.unique_viewers ?? 0),
      watchTimeSec: round(watchMs / 1000, 3),
      completionRate: viewed > 0 ? round(Number(row!.completed) / viewed, 4) : null,
      ttffMs: { p50: nullableNumber(row?.p50), p95: nullableNumber(row?.p95) },
      rebufferCount: Number(row?.stalls ?? 0),
      rebufferRatio: watchMs > 0 ? round(Number(row!.stall_ms) / watchMs, 4) : null,
      failures: { count: reasons.reduce((sum, r) => sum + r.count, 0), reasons: reasons.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)) },
      renditions: mix
        .filter((m) => m.kind === "rendition")
        .map((m) => ({ height: Number(m.name), count: Number(m.n) }))
        .sort((a, b) => b.height - a.height),
    };
  };
  return { from, to, totals: figures(TOTAL), days: daysBetween(from, to).map((date) => ({ date, ...figures(date) })) };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function nullableNumber(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
