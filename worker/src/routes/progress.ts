// Playback progress: where this viewer stopped in this video (GET), and saving it (PUT).
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { getProgress, saveProgress } from "../db/progress.ts";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
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

const write = createRoute({
  method: "put",
  path: "/{id}/progress",
  summary: "Save the position; idempotent, and a write older than the stored one (by clientTime) is ignored",
  security: bearer,
  request: {
    params: VideoIdParam,
    // text/plain too: sendBeacon on pagehide cannot send application/json cross-origin without a preflight.
    body: { content: { "application/json": { schema: SaveProgressSchema }, "text/plain": { schema: SaveProgressSchema } }, required: false },
  },
  responses: { 204: { description: "saved (or older than what is stored)" }, ...errorResponses },
});

export function progressRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(read, async (c) => {
    const viewer = c.get("viewer");
    const id = c.req.valid("param").id;
    if (!(await findVisibleVideo(deps.db, id, viewer.id))) throw new HttpError(404, "not_found", "no such video");
    const row = await getProgress(deps.db, viewer.id, id);
    return c.json({ positionSec: row?.positionSec ?? null, durationSec: row?.durationSec ?? null, updatedAt: row?.updatedAt.toISOString() ?? null }, 200);
  });

  app.openapi(write, async (c) => {
    const viewer = c.get("viewer");
    const id = c.req.valid("param").id;
    const body = SaveProgressSchema.parse(await readJsonOrText(c.req));
    if (!(await findVisibleVideo(deps.db, id, viewer.id))) throw new HttpError(404, "not_found", "no such video");
    await saveProgress(deps.db, { viewerId: viewer.id, videoId: id, positionSec: body.positionSec, durationSec: body.durationSec ?? null, clientTime: body.clientTime ?? Date.now() });
    return c.body(null, 204);
  });

  return app;
}

/** JSON from an application/json or a text/plain (sendBeacon) body; Hono caches the body, so a validator may have read it first. */
export async function readJsonOrText(request: { text(): Promise<string> }): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_input", "body: not valid JSON");
  }
}
