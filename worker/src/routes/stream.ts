// GET /api/videos/:id/stream: where to play a video now, with signed URLs, or why not yet.
// The playback layer decides (playback/resolve.ts); this route only answers in HTTP.
import { hasSidecars } from "../db/sidecar-subtitles.ts";
import { servedManifests } from "../subtitles/sidecar-files.ts";
import { PROGRESSIVE_MP4 } from "@edgestream/contracts";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { nowSeconds } from "../clock.ts";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { resolvePlayback } from "../playback/resolve.ts";
import { keepOrIssueSessionId } from "../signing/session-id.ts";
import { signFiles } from "../signing/stream-url.ts";
import { PackageFactsCache, usesPathForm } from "../storage/package-facts.ts";
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
    200: jsonContent(StreamSchema, "ready: manifestUrl carries a stream token valid until expiresAt; dashUrl (same token, path form) when the package has a DASH manifest"),
    202: jsonContent(StreamSchema, "generating: ask again after retryAfter seconds"),
    422: jsonContent(StreamSchema, "packaging failed, with a reason a person can act on"),
    401: errorResponses[401],
    404: jsonContent(ErrorSchema, "no such video, or not yours to see"),
  },
});

export function streamRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const packages = new PackageFactsCache();

  app.openapi(stream, async (c) => {
    const viewer = c.get("viewer");
    const query = c.req.valid("query");
    const found = await findVisibleVideo(deps.db, c.req.valid("param").id, viewer.id);
    if (!found) throw new HttpError(404, "not_found", "no such video");
    const playback = await resolvePlayback(deps, found, { viewerId: viewer.id, renew: query.renew, prewarm: query.prewarm === "1" });
    if (playback.kind === "failed") return c.json({ status: "failed" as const, error: playback.error }, 422);
    const { video } = playback;
    // One id per playback, signed for this viewer: heartbeats and analytics events of this viewing
    // carry it. A player that asks again (to refresh its token) passes its id back and keeps it.
    const sessionId = await keepOrIssueSessionId(deps.keyring, query.session, viewer.id);
    const generating = { status: "generating" as const, progress: video.progress, retryAfter: GENERATING_RETRY_AFTER_SECONDS, sessionId };
    if (playback.kind === "generating") {
      c.header("Retry-After", String(GENERATING_RETRY_AFTER_SECONDS));
      return c.json(generating, 202);
    }
    const exp = nowSeconds(deps) + deps.config.STREAM_TOKEN_TTL_SECONDS;
    const expiresAt = new Date(exp * 1000).toISOString();
    const stored = playback.kind === "stored";
    const source = stored ? { src: playback.storagePrefix } : { session: playback.sessionId };
    const files = await signFiles(deps.keyring, { exp, vid: video.id, sub: viewer.id, ...source });
    // The path form where the package's playlists need no rewriting (relative URIs inherit the token):
    // they are served as stored bytes. nginx mode needs the rewriter (md5 links), so does anything else.
    const facts = stored ? await packages.facts(deps.storage, playback.storagePrefix) : null;
    const pathForm = facts !== null && usesPathForm(deps.config, facts);
    const fileUrl = (file: string) => (pathForm ? files.pathUrl(file) : files.url(file));
    // A video with sidecar subtitles gets the master (and MPD) the worker composes; the others the stored ones.
    const manifests = servedManifests(stored && (await hasSidecars(deps.db, video.id)));
    const manifestUrl = fileUrl(manifests.master);
    if (video.status !== "ready") {
      // Played through a node session while the package is being made.
      c.header("Retry-After", String(GENERATING_RETRY_AFTER_SECONDS));
      return c.json({ ...generating, manifestUrl, expiresAt }, 202);
    }
    // A session's playlists name its own files: the package's poster and thumbnails go with the package.
    const poster = stored && video.posterPath;
    const track = stored && video.thumbnailsPath;
    return c.json(
      {
        status: "ready" as const,
        manifestUrl,
        expiresAt,
        sessionId,
        ...(poster ? { posterUrl: files.url(poster) } : {}),
        ...(track ? { thumbnailsUrl: files.url(track) } : {}),
        // The same segments for DASH players: an MPD has no rewriter, so only in the path form.
        ...(pathForm && facts?.dash ? { dashUrl: files.pathUrl(manifests.mpd) } : {}),
        ...(facts?.progressive ? { mp4Url: fileUrl(PROGRESSIVE_MP4) } : {}),
      },
      200,
    );
  });

  return app;
}
