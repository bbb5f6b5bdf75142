// GET /api/videos/:id/download: a signed URL of the package's progressive MP4 that the browser saves
// as "<title>.mp4". The owner always may; anyone else who may watch only when the owner allowed it.
// The file itself is served by the signed path (routes/hls.ts) with Content-Disposition: attachment.
import { PROGRESSIVE_MP4 } from "@edgestream/contracts";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { nowSeconds } from "../clock.ts";
import { findVisibleVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { downloadFilename } from "../http/content-disposition.ts";
import { withParam } from "../manifest/rewriter.ts";
import { signFiles } from "../signing/stream-url.ts";
import { PackageFactsCache, usesPathForm } from "../storage/package-facts.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { DownloadSchema, ErrorSchema, VideoIdParam } from "./schemas.ts";

/** The query parameter of a signed MP4 URL that asks for an attachment, carrying the file name. */
export const DOWNLOAD_PARAM = "download";

const download = createRoute({
  method: "get",
  path: "/{id}/download",
  summary: "A signed URL that downloads the video as an MP4 (owner, or anyone who may watch when the owner set allowDownload)",
  security: bearer,
  request: { params: VideoIdParam },
  responses: {
    200: jsonContent(DownloadSchema, "the URL, valid until expiresAt, answers with Content-Disposition: attachment"),
    403: jsonContent(ErrorSchema, "download_not_allowed: the owner has not allowed downloads"),
    409: jsonContent(ErrorSchema, "not_ready: the video is still being packaged"),
    401: errorResponses[401],
    404: jsonContent(ErrorSchema, "no such video, or not yours to see; no_download: its package has no MP4 (packaged before they were made)"),
  },
});

export function downloadRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const packages = new PackageFactsCache();

  app.openapi(download, async (c) => {
    const viewer = c.get("viewer");
    const video = await findVisibleVideo(deps.db, c.req.valid("param").id, viewer.id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    if (video.ownerId !== viewer.id && !video.allowDownload) throw new HttpError(403, "download_not_allowed", "the owner of this video has not allowed downloads");
    if (video.status !== "ready" || !video.storagePrefix) throw new HttpError(409, "not_ready", "the video is still being packaged: its MP4 is made with the package");
    const facts = await packages.facts(deps.storage, video.storagePrefix);
    if (!facts.progressive) throw new HttpError(404, "no_download", "this video's package has no MP4 to download");
    const exp = nowSeconds(deps) + deps.config.STREAM_TOKEN_TTL_SECONDS;
    const files = await signFiles(deps.keyring, { exp, vid: video.id, sub: viewer.id, src: video.storagePrefix });
    const filename = downloadFilename(video.title, ".mp4");
    const signed = usesPathForm(deps.config, facts) ? files.pathUrl(PROGRESSIVE_MP4) : files.url(PROGRESSIVE_MP4);
    return c.json({ url: withParam(signed, DOWNLOAD_PARAM, encodeURIComponent(filename)), expiresAt: new Date(exp * 1000).toISOString(), filename, sizeBytes: facts.progressive.sizeBytes }, 200);
  });

  return app;
}
