// Videos as a viewer sees them, and /stream: where to play one, with a signed manifest URL.
import { Hono } from "hono";
import { requireViewer } from "../auth/require-viewer.ts";
import { findVisibleVideo, listVisibleVideos } from "../db/videos.ts";
import type { Video } from "../db/schema.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { signStreamToken } from "../signing/stream-token.ts";

export const STREAM_TOKEN_PARAM = "sig";
const GENERATING_RETRY_AFTER_SECONDS = 2;

function toPublicVideo(video: Video) {
  return {
    id: video.id,
    title: video.title,
    status: video.status,
    visibility: video.visibility,
    durationMs: video.durationMs,
    createdAt: video.createdAt.toISOString(),
  };
}

export function videoRoutes(deps: AppDeps) {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const app = new Hono<AppEnv>();
  app.use("*", requireViewer(deps));

  app.get("/", async (c) => {
    const rows = await listVisibleVideos(deps.db, c.get("viewer").id);
    return c.json({ videos: rows.map(toPublicVideo) });
  });

  app.get("/:id", async (c) => {
    const video = await findVisibleVideo(deps.db, c.req.param("id"), c.get("viewer").id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    return c.json(toPublicVideo(video));
  });

  app.get("/:id/stream", async (c) => {
    const viewer = c.get("viewer");
    const video = await findVisibleVideo(deps.db, c.req.param("id"), viewer.id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    c.header("Cache-Control", "no-store");
    if (video.status === "failed") {
      return c.json({ status: "failed", error: video.error ?? "packaging failed" }, 422);
    }
    if (video.status !== "ready" || !video.storagePrefix) {
      c.header("Retry-After", String(GENERATING_RETRY_AFTER_SECONDS));
      return c.json({ status: "generating", progress: video.progress, retryAfter: GENERATING_RETRY_AFTER_SECONDS }, 202);
    }
    const exp = now() + deps.config.STREAM_TOKEN_TTL_SECONDS;
    const token = await signStreamToken(deps.keyring, { exp, vid: video.id, src: video.storagePrefix, sub: viewer.id });
    return c.json({
      status: "ready",
      manifestUrl: `/hls/${video.id}/master.m3u8?${STREAM_TOKEN_PARAM}=${token}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    });
  });

  return app;
}
