// Playback progress: where this viewer stopped in this video (GET), and saving it (PUT).
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getProgress, saveProgress } from "../db/progress.ts";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { readJsonOrText } from "../http/read-json.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { ProgressSchema, SaveProgressSchema, VideoIdParam } from "./schemas.ts";

const read = createRoute({
  method: "get",
  path: "/{id}/progress",
  summary: "Where this viewer stopped (nulls when never watched)",
  security: bearer,
  request: { params: VideoIdParam },
  responses: { 200: jsonContent(ProgressSchema, "the saved position"), ...errorResponses },
});

const SAVE_SUMMARY = "Save the position; idempotent, and a write older than the stored one (by clientTime) is ignored";

const write = createRoute({
  method: "put",
  path: "/{id}/progress",
  summary: SAVE_SUMMARY,
  security: bearer,
  request: {
    params: VideoIdParam,
    // text/plain too: sendBeacon on pagehide cannot send application/json cross-origin without a preflight.
    body: { content: { "application/json": { schema: SaveProgressSchema }, "text/plain": { schema: SaveProgressSchema } }, required: false },
  },
  responses: { 204: { description: "saved (or older than what is stored)" }, ...errorResponses },
});

/** The same, as POST: what `navigator.sendBeacon` sends on pagehide (text/plain body, token in the query). */
const beacon = createRoute({ ...write, method: "post", summary: `${SAVE_SUMMARY} (POST, for sendBeacon)` });

export function progressRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(read, async (c) => {
    const viewer = c.get("viewer");
    const id = c.req.valid("param").id;
    if (!(await findVisibleVideo(deps.db, id, viewer.id))) throw new HttpError(404, "not_found", "no such video");
    const row = await getProgress(deps.db, viewer.id, id);
    return c.json({ positionSec: row?.positionSec ?? null, durationSec: row?.durationSec ?? null, updatedAt: row?.updatedAt.toISOString() ?? null }, 200);
  });

  const save = async (c: Context<AppEnv>, id: string) => {
    const viewer = c.get("viewer");
    const body = SaveProgressSchema.parse(await readJsonOrText(c.req));
    if (!(await findVisibleVideo(deps.db, id, viewer.id))) throw new HttpError(404, "not_found", "no such video");
    await saveProgress(deps.db, { viewerId: viewer.id, videoId: id, positionSec: body.positionSec, durationSec: body.durationSec ?? null, clientTime: body.clientTime ?? Date.now() });
    return c.body(null, 204);
  };
  app.openapi(write, (c) => save(c, c.req.valid("param").id));
  app.openapi(beacon, (c) => save(c, c.req.valid("param").id));

  return app;
}
