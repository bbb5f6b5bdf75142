// Analytics: batches of playback and QoE events, and session heartbeats.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { nowMs } from "../clock.ts";
import { insertEvents } from "../db/events.ts";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { readJsonOrText } from "../http/read-json.ts";
import { verifySessionId } from "../signing/session-id.ts";
import { EventBatchSchema, HeartbeatSchema, SessionIdParam } from "./schemas.ts";

const batch = createRoute({
  method: "post",
  path: "/events",
  summary: "Record a batch of playback events (accepts text/plain, as sendBeacon sends; token may be a query parameter)",
  security: bearer,
  request: {
    body: { content: { "application/json": { schema: EventBatchSchema }, "text/plain": { schema: EventBatchSchema } }, required: false },
  },
  responses: { 202: jsonContent(z.object({ accepted: z.number().int() }), "recorded"), ...errorResponses },
});

const heartbeat = createRoute({
  method: "post",
  path: "/sessions/{id}/heartbeat",
  summary: "The viewer is still watching: renews the playback session",
  security: bearer,
  request: { params: SessionIdParam, body: { content: { "application/json": { schema: HeartbeatSchema }, "text/plain": { schema: HeartbeatSchema } }, required: false } },
  responses: { 204: { description: "renewed" }, ...errorResponses },
});

export function eventRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(batch, async (c) => {
    const viewer = c.get("viewer");
    const { events } = EventBatchSchema.parse(await readJsonOrText(c.req));
    for (const id of new Set(events.flatMap((e) => (e.sessionId ? [e.sessionId] : [])))) {
      if (!(await verifySessionId(deps.keyring, id, viewer.id))) throw noSuchSession();
    }
    const videoIds = [...new Set(events.map((e) => e.videoId))];
    for (const id of videoIds) {
      if (!(await findVisibleVideo(deps.db, id, viewer.id))) throw new HttpError(404, "not_found", `no such video: ${id}`);
    }
    await insertEvents(
      deps.db,
      events.map((e) => ({ videoId: e.videoId, viewerId: viewer.id, sessionId: e.sessionId ?? null, type: e.type, at: new Date(e.at), data: e.data ?? null })),
    );
    return c.json({ accepted: events.length }, 202);
  });

  app.openapi(heartbeat, async (c) => {
    const viewer = c.get("viewer");
    const sessionId = c.req.valid("param").id;
    const body = HeartbeatSchema.parse(await readJsonOrText(c.req));
    if (!(await verifySessionId(deps.keyring, sessionId, viewer.id))) throw noSuchSession();
    const video = await findVisibleVideo(deps.db, body.videoId, viewer.id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    // Playing through an on-demand session: the heartbeat renews this viewer's lease on the node.
    if (video.nodeSessionId && video.status !== "ready") await deps.transcoder?.heartbeat(video.nodeSessionId, viewer.id).catch(() => false);
    await insertEvents(deps.db, [
      { videoId: body.videoId, viewerId: viewer.id, sessionId, type: "heartbeat", at: new Date(nowMs(deps)), data: body.positionSec === undefined ? null : { positionSec: body.positionSec } },
    ]);
    return c.body(null, 204);
  });

  return app;
}

/** Someone else's playback session looks the same as one that never existed. */
function noSuchSession(): HttpError {
  return new HttpError(404, "not_found", "no such playback session");
}
