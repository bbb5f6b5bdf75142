// GET /api/videos/:id/stream: where to play a video now, with signed URLs, or why not yet.
import { STREAM_TOKEN_PARAM } from "@edgestream/contracts";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { issueSessionId, verifySessionId } from "../signing/session-id.ts";
import { signStreamToken, verifyStreamToken } from "../signing/stream-token.ts";
import { refreshPackaging, startPackaging } from "../transcode/packaging.ts";
import { NODE_SESSION_SRC, sessionFor, sessionsEnabled } from "../transcode/sessions.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { ErrorSchema, StreamQuery, StreamSchema, VideoIdParam } from "./schemas.ts";

const GENERATING_RETRY_AFTER_SECONDS = 2;

const stream = createRoute({
  method: "get",
  path: "/{id}/stream",
  summary: "Where to play: a signed manifest URL when ready, progress while generating, the reason when failed",
  security: bearer,
  request: { params: VideoIdParam, query: StreamQuery },
  responses: {
    200: jsonContent(StreamSchema, "ready: manifestUrl carries a stream token valid until expiresAt"),
    202: jsonContent(StreamSchema, "generating: ask again after retryAfter seconds"),
    422: jsonContent(StreamSchema, "packaging failed, with a reason a person can act on"),
    401: errorResponses[401],
    404: jsonContent(ErrorSchema, "no such video, or not yours to see"),
  },
});

export function streamRoutes(deps: AppDeps) {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(stream, async (c) => {
    const viewer = c.get("viewer");
    let video = await findVisibleVideo(deps.db, c.req.valid("param").id, viewer.id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    // Packaging moves forward when someone asks: start it (first view, or an upload whose node was
    // down), or pull the job's progress. With sessions and on-first-view, the session is the packager.
    const sessionPackages = sessionsEnabled(deps) && deps.config.PACKAGE_POLICY === "on-first-view";
    if (video.status === "pending" && !sessionPackages) video = await startPackaging(deps, video);
    else if (video.status === "generating") video = await refreshPackaging(deps, video);
    // A player refreshing a token it got from a live session keeps that session, even once the video
    // is ready: its playlist names the session's files, not the package's.
    const renewed = await renewableSession(deps, c.req.valid("query").renew, video.id, viewer.id);
    // Not packaged yet: play at once through the node's on-demand session.
    const live = video.status === "ready" ? null : await sessionFor(deps, video, viewer.id);
    if (live) video = live.video;
    if (video.status === "failed") {
      return c.json({ status: "failed" as const, error: video.error ?? "packaging failed" }, 422);
    }
    // One id per playback, signed for this viewer: heartbeats and analytics events of this viewing
    // carry it. A player that asks again (to refresh its token) passes its id back and keeps it;
    // an id issued to someone else is not kept: this viewer gets one of their own.
    const passedBack = c.req.valid("query").session;
    const sessionId =
      passedBack && (await verifySessionId(deps.keyring, passedBack, viewer.id)) ? passedBack : await issueSessionId(deps.keyring, viewer.id);
    const exp = now() + deps.config.STREAM_TOKEN_TTL_SECONDS;
    const expiresAt = new Date(exp * 1000).toISOString();
    const generating = { status: "generating" as const, progress: video.progress, retryAfter: GENERATING_RETRY_AFTER_SECONDS, sessionId };
    // Played through a node session: the renewed one, or the live one while the video is not ready.
    const nodeSession = renewed?.session.id ?? (video.status === "ready" ? undefined : live?.session.id);
    if (nodeSession) {
      const token = await signStreamToken(deps.keyring, { exp, vid: video.id, src: `${NODE_SESSION_SRC}${nodeSession}`, sub: viewer.id });
      const manifestUrl = `/hls/${video.id}/master.m3u8?${STREAM_TOKEN_PARAM}=${token}`;
      if (video.status === "ready") return c.json({ status: "ready" as const, manifestUrl, expiresAt, sessionId }, 200);
      c.header("Retry-After", String(GENERATING_RETRY_AFTER_SECONDS));
      return c.json({ ...generating, manifestUrl, expiresAt }, 202);
    }
    if (video.status !== "ready" || !video.storagePrefix) {
      c.header("Retry-After", String(GENERATING_RETRY_AFTER_SECONDS));
      return c.json(generating, 202);
    }
    const token = await signStreamToken(deps.keyring, { exp, vid: video.id, src: video.storagePrefix, sub: viewer.id });
    const signed = (path: string) => `/hls/${video.id}/${path}?${STREAM_TOKEN_PARAM}=${token}`;
    return c.json(
      {
        status: "ready" as const,
        manifestUrl: signed("master.m3u8"),
        expiresAt,
        sessionId,
        ...(video.posterPath ? { posterUrl: signed(video.posterPath) } : {}),
        ...(video.thumbnailsPath ? { thumbnailsUrl: signed(video.thumbnailsPath) } : {}),
      },
      200,
    );
  });

  return app;
}

const RENEW_WITHIN_SECONDS = 24 * 3600;

/** The node session a viewer's own (possibly expired) token points at, when it is still running. */
async function renewableSession(deps: AppDeps, renew: string | undefined, videoId: string, viewerId: string) {
  if (!renew || !deps.transcoder) return null;
  // Verified as of its own expiry: the MAC and scope must hold, the age is checked below.
  const claims = await verifyStreamToken(deps.keyring, renew, `/hls/${videoId}/master.m3u8`, 0, 0);
  if (!claims.ok || claims.claims.sub !== viewerId || !claims.claims.src.startsWith(NODE_SESSION_SRC)) return null;
  if (Date.now() / 1000 - claims.claims.exp > RENEW_WITHIN_SECONDS) return null;
  const id = claims.claims.src.slice(NODE_SESSION_SRC.length);
  const session = await deps.transcoder.getSession(id).catch(() => null);
  if (!session || (session.status !== "running" && session.status !== "completed")) return null;
  await deps.transcoder.heartbeat(id, viewerId).catch(() => false);
  return { session };
}
