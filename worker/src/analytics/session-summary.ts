// The one definition of what analytics counts: raw playback events summarised per playback session
// and UTC day. Reads aggregate these rows (unioned with the stored roll-ups); the roll-up stores
// the same rows. Plain SQLite (window functions, JSON1), so libSQL and D1 run the same text.
import { sql, type SQL } from "drizzle-orm";

/** Column list of a summary row, in the order the CTE yields it and playback_rollups stores it. */
export const SUMMARY_COLUMNS = sql.raw(
  "video_id, day, viewer_id, session_key, views, ttff_ms, watch_ms, max_position_sec, stalls, stall_ms, failures, renditions",
);

/**
 * `WITH … summary AS (…)` over the raw events `eventFilter` selects (a condition on
 * playback_events). One row per (video, UTC day, viewer, session); events without a session id
 * form one session per viewer, video and day.
 *
 * - views: `start` events; ttff_ms: the smallest non-negative `data.ttffMs` of those
 * - watch_ms: over consecutive heartbeats of the session on that day, the forward move of
 *   `positionSec`, capped at the server time between them (a seek ahead is not watching)
 * - max_position_sec: the furthest heartbeat position
 * - stalls: `stall` events; stall_ms: the sum of `rebuffer` events' `data.ms`
 * - failures: JSON {details: n} of `error` events with `data.fatal` true
 * - renditions: JSON {height: n} of `quality` events (the player switching to a rendition, its first pick included)
 */
export function summaryCte(eventFilter: SQL): SQL {
  return sql`WITH ev AS MATERIALIZED (
    SELECT id, video_id, viewer_id, coalesce(session_id, '~' || viewer_id) AS session_key,
           strftime('%Y-%m-%d', at / 1000, 'unixepoch') AS day, type, at, data
    FROM playback_events WHERE ${eventFilter}
  ),
  hb AS (
    SELECT video_id, day, viewer_id, session_key, pos, pos - LAG(pos) OVER w AS moved, (at - LAG(at) OVER w) / 1000.0 AS elapsed
    FROM (
      SELECT id, video_id, day, viewer_id, session_key, at, json_extract(data, '$.positionSec') AS pos
      FROM ev WHERE type = 'heartbeat' AND json_type(data, '$.positionSec') IN ('integer', 'real')
    )
    WINDOW w AS (PARTITION BY video_id, session_key, day ORDER BY at, id)
  ),
  facts AS (
    SELECT video_id, day, viewer_id, session_key,
           type = 'start' AS views,
           CASE WHEN type = 'start' AND json_extract(data, '$.ttffMs') >= 0 THEN json_extract(data, '$.ttffMs') END AS ttff_ms,
           0 AS watch_ms, NULL AS pos,
           type = 'stall' AS stalls,
           CASE WHEN type = 'rebuffer' AND json_extract(data, '$.ms') > 0 THEN json_extract(data, '$.ms') ELSE 0 END AS stall_ms
    FROM ev
    UNION ALL
    SELECT video_id, day, viewer_id, session_key, 0, NULL, coalesce(max(0, min(moved, elapsed)), 0) * 1000, pos, 0, 0 FROM hb
  ),
  fail AS (
    SELECT video_id, day, viewer_id, session_key, json_group_object(reason, n) AS failures FROM (
      SELECT video_id, day, viewer_id, session_key, coalesce(json_extract(data, '$.details'), 'unknown') AS reason, count(*) AS n
      FROM ev WHERE type = 'error' AND json_extract(data, '$.fatal') = 1 GROUP BY 1, 2, 3, 4, 5
    ) GROUP BY 1, 2, 3, 4
  ),
  rend AS (
    SELECT video_id, day, viewer_id, session_key, json_group_object(height, n) AS renditions FROM (
      SELECT video_id, day, viewer_id, session_key, CAST(json_extract(data, '$.height') AS INTEGER) AS height, count(*) AS n
      FROM ev WHERE type = 'quality' AND json_type(data, '$.height') IN ('integer', 'real') GROUP BY 1, 2, 3, 4, 5
    ) GROUP BY 1, 2, 3, 4
  ),
  totals AS (
    SELECT video_id, day, viewer_id, session_key, sum(views) AS views, min(ttff_ms) AS ttff_ms, sum(watch_ms) AS watch_ms,
           max(pos) AS max_position_sec, sum(stalls) AS stalls, sum(stall_ms) AS stall_ms
    FROM facts GROUP BY video_id, day, viewer_id, session_key
  ),
  summary AS (
    SELECT t.video_id, t.day, t.viewer_id, t.session_key, t.views, t.ttff_ms, t.watch_ms, t.max_position_sec, t.stalls, t.stall_ms,
           coalesce(fail.failures, '{}') AS failures, coalesce(rend.renditions, '{}') AS renditions
    FROM totals t
    LEFT JOIN fail USING (video_id, day, viewer_id, session_key)
    LEFT JOIN rend USING (video_id, day, viewer_id, session_key)
  )`;
}
