// CPU per analytics read (GET /api/videos/:id/analytics, 30 days) over 72,000 raw events (3,000
// sessions of 24 events on one video), and over the same days once rolled up, against one plain
// scan of those raw events (count and bytes of `data`): what any read of them costs at least.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readAnalytics } from "../worker/src/analytics/read-analytics.ts";
import { rollUpOldEvents } from "../worker/src/analytics/rollup.ts";
import { openLibsqlDatabase } from "../worker/src/db/libsql.ts";
import { MIGRATIONS } from "../worker/src/testing/test-app.ts";
import { median, type Bench, type BenchRow } from "./types.ts";

const SESSIONS = 3000;
const DAYS = 30;
const ROUNDS = 5;
const DAY0 = Date.parse("2026-11-01T00:00:00Z");

async function cpuMs(run: () => Promise<unknown>): Promise<number> {
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    perRound.push((used.user + used.system) / 1000);
  }
  return median(perRound);
}

export const analytics: Bench = {
  name: "analytics",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-analytics-"));
    const database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
    try {
      await database.migrate(MIGRATIONS);
      const { db } = database;
      await db.run(sql`INSERT INTO videos (id, owner_id, title, status, duration_ms) VALUES ('v1', 'alice', 'bench', 'ready', 600000)`);
      let values: string[] = [];
      const flush = async () => {
        if (values.length) await db.run(sql.raw(`INSERT INTO playback_events (video_id, viewer_id, session_id, type, at, data) VALUES ${values.join(",")}`));
        values = [];
      };
      for (let s = 0; s < SESSIONS; s++) {
        const at = DAY0 + (s % DAYS) * 86_400_000 + 3_600_000;
        const row = (type: string, ms: number, data: string) => values.push(`('v1','u${s % 500}','s${s}','${type}',${ms},'${data}')`);
        row("start", at, `{"ttffMs":${300 + (s % 900)}}`);
        row("quality", at, '{"height":720}');
        for (let h = 0; h < 20; h++) row("heartbeat", at + h * 30_000, `{"positionSec":${h * 30}}`);
        row("stall", at + 5000, "{}");
        row("rebuffer", at + 6000, '{"ms":700}');
        if (values.length > 2000) await flush();
      }
      await flush();
      const window = (): Promise<unknown> => readAnalytics(db, { videoId: "v1" }, "2026-11-01", "2026-11-30");
      const scan = () => db.all(sql`SELECT count(*), sum(length(data)) FROM playback_events WHERE video_id = 'v1' AND at >= ${DAY0} AND at < ${DAY0 + DAYS * 86_400_000}`);
      const baseline = await cpuMs(scan);
      const raw = await cpuMs(window);
      for (let i = 0; i < Math.ceil(DAYS / 7); i++) await rollUpOldEvents(db, 1, Date.parse("2026-12-04T00:00:00Z"));
      const rolled = await cpuMs(window);
      const row = (metric: string, ours: number, note: string): BenchRow => ({ bench: "analytics", metric, unit: "ms CPU", ours, baselineName: "one scan of the raw events", baseline, ratio: ours / baseline, note });
      return [
        row("30-day read, raw events", raw, `${SESSIONS * 24} events, ${SESSIONS} sessions`),
        row("30-day read, rolled up", rolled, `${SESSIONS} roll-up rows`),
      ];
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
