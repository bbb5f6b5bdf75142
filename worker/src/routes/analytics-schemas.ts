// Request and response schemas of the analytics routes (they validate input and generate OpenAPI).
import { z } from "@hono/zod-openapi";
import { dayOf, dayStartMs } from "../analytics/utc-days.ts";

/** The longest window one request may ask for, in days. */
export const MAX_WINDOW_DAYS = 366;
/** The window when `from` is not given: this many days up to `to`. */
export const DEFAULT_WINDOW_DAYS = 30;

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day, YYYY-MM-DD")
  .refine((day) => !Number.isNaN(dayStartMs(day)) && dayOf(dayStartMs(day)) === day, "must be a real calendar day");

export const AnalyticsQuery = z.object({
  from: Day.optional().openapi({ description: `first UTC day (default: ${DEFAULT_WINDOW_DAYS - 1} days before \`to\`)`, example: "2026-12-01" }),
  to: Day.optional().openapi({ description: "last UTC day, included (default: today)", example: "2026-12-03" }),
});

const Figures = z.object({
  views: z.number().int().openapi({ description: "`start` events: playbacks that reached their first frame" }),
  uniqueViewers: z.number().int().openapi({ description: "distinct viewers with a view" }),
  watchTimeSec: z.number().openapi({ description: "forward moves of heartbeat positions, each capped at the time between the heartbeats" }),
  completionRate: z.number().nullable().openapi({ description: "share of sessions with a view whose furthest heartbeat reached 90 % of the duration; null without views" }),
  ttffMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }).openapi({ description: "time to first frame, nearest-rank percentiles over sessions with a view" }),
  rebufferCount: z.number().int().openapi({ description: "`stall` events" }),
  rebufferRatio: z.number().nullable().openapi({ description: "stalled time (`rebuffer` events) / watch time; null without watch time" }),
  failures: z.object({ count: z.number().int(), reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })) }),
  renditions: z.array(z.object({ height: z.number().int(), count: z.number().int() })).openapi({ description: "switches to each rendition (the first pick included), highest first" }),
});

export const AnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: Figures,
    days: z.array(Figures.extend({ date: z.string() })),
  })
  .openapi("Analytics");
/** A video's (or the site's) playback figures, as GET …/analytics answers them. */
export type Analytics = z.infer<typeof AnalyticsSchema>;
