// Analytics read-back: one video's figures (its owner or an admin), and all of a viewer's videos
// (admins: every video), over a window of UTC days with a daily breakdown.
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { readAnalytics, type AnalyticsScope } from "../analytics/read-analytics.ts";
import { DAY_MS, dayOf, dayStartMs } from "../analytics/utc-days.ts";
import { nowMs } from "../clock.ts";
import { videos } from "../db/schema.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv, Viewer } from "../env.ts";
import { AnalyticsQuery, AnalyticsSchema, DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from "./analytics-schemas.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { VideoIdParam } from "./schemas.ts";

const forVideo = createRoute({
  method: "get",
  path: "/videos/{id}/analytics",
  summary: "One video's viewing figures by UTC day (its owner or an admin)",
  security: bearer,
  request: { params: VideoIdParam, query: AnalyticsQuery },
  responses: { 200: jsonContent(AnalyticsSchema, "the figures"), ...errorResponses },
});

const forViewer = createRoute({
  method: "get",
  path: "/analytics",
  summary: "Viewing figures of the caller's own videos (admins: of every video) by UTC day",
  security: bearer,
  request: { query: AnalyticsQuery },
  responses: { 200: jsonContent(AnalyticsSchema, "the figures"), 400: errorResponses[400], 401: errorResponses[401] },
});

export function analyticsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(forVideo, async (c) => {
    const viewer = c.get("viewer");
    const { id } = c.req.valid("param");
    const video = await deps.db.query.videos.findFirst({ where: eq(videos.id, id), columns: { ownerId: true } });
    // Someone else's video looks like no video, public or not: its figures are the owner's business.
    if (!video || (video.ownerId !== viewer.id && !isAdmin(viewer))) throw new HttpError(404, "not_found", "no such video");
    const { from, to } = resolveWindow(c.req.valid("query"), nowMs(deps));
    return c.json(await readAnalytics(deps.db, { videoId: id }, from, to), 200);
  });

  app.openapi(forViewer, async (c) => {
    const viewer = c.get("viewer");
    const scope: AnalyticsScope = isAdmin(viewer) ? { all: true } : { ownerId: viewer.id };
    const { from, to } = resolveWindow(c.req.valid("query"), nowMs(deps));
    return c.json(await readAnalytics(deps.db, scope, from, to), 200);
  });

  return app;
}

function isAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes("admin");
}

function resolveWindow(query: z.infer<typeof AnalyticsQuery>, now: number): { from: string; to: string } {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? dayOf(dayStartMs(to) - (DEFAULT_WINDOW_DAYS - 1) * DAY_MS);
  const days = (dayStartMs(to) - dayStartMs(from)) / DAY_MS + 1;
  if (days < 1) throw new HttpError(400, "invalid_input", "to: must not be before from");
  if (days > MAX_WINDOW_DAYS) throw new HttpError(400, "invalid_input", `to: the window is ${days} days; ask for at most ${MAX_WINDOW_DAYS}`);
  return { from, to };
}
