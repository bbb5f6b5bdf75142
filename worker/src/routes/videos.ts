// Videos: list, get, create (streamed upload, or media already in storage), update, delete.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { deleteVideoQueries, findVisibleVideo, insertVideo, isPrefixShared, listVisibleVideos, updateVideo } from "../db/videos.ts";
import { newVideoId } from "../db/ids.ts";
import type { NewVideo, Video } from "../db/schema.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv, Viewer } from "../env.ts";
import { readPackageMeta } from "../storage/package-meta.ts";
import { isOwnUpload, PackageMetaError, sidecarPrefix, uploadKey } from "@edgestream/contracts";
import { isUploadType, uploadTooLarge } from "../http/body-limit.ts";
import { limitBytes } from "../http/limit-bytes.ts";
import { refreshVideo, videoAdded } from "../playback/resolve.ts";
import { isSignablePrefix } from "../signing/stream-source.ts";
import { videoDeleted } from "../webhooks/video-events.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { toViewerVideo } from "./public-video.ts";
import { ErrorSchema, ImportVideoSchema, UpdateVideoSchema, UploadQuery, VideoIdParam, VideoListSchema, VideoSchema } from "./schemas.ts";
import { clientWentAway, uploadCancelled } from "../uploads/client-gone.ts";

/** At most this many generating videos are refreshed from the node per list request. */
const REFRESH_IN_LIST = 10;

async function ownVideo(deps: AppDeps, id: string, viewer: Viewer): Promise<Video> {
  const video = await findVisibleVideo(deps.db, id, viewer.id);
  if (!video || video.ownerId !== viewer.id) throw new HttpError(404, "not_found", "no such video");
  return video;
}

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Videos this viewer owns, and public ones",
  security: bearer,
  responses: { 200: jsonContent(VideoListSchema, "the videos"), 401: errorResponses[401] },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  summary: "One video",
  security: bearer,
  request: { params: VideoIdParam },
  responses: { 200: jsonContent(VideoSchema, "the video"), ...errorResponses },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a video: upload the source as the body, or (admins) register media already in storage",
  description:
    "Send the file as the body with its media type (video/*, audio/*, application/octet-stream) and `?title=`; it is streamed to storage. " +
    "Or send JSON {title, storageKey}: a prefix holding a packaged video (master.m3u8) becomes ready at once; a source file awaits packaging.",
  security: bearer,
  request: {
    query: UploadQuery,
    body: {
      content: {
        "application/json": { schema: ImportVideoSchema },
        "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) },
        "video/*": { schema: z.string().openapi({ format: "binary" }) },
        "audio/*": { schema: z.string().openapi({ format: "binary" }) },
      },
      // Not `required`: with it, the validator would refuse every body that is not JSON (the uploads).
      required: false,
    },
  },
  responses: {
    201: jsonContent(VideoSchema, "created"),
    403: jsonContent(ErrorSchema, "only admins may register media already in storage"),
    415: jsonContent(ErrorSchema, "neither JSON nor a media body"),
    503: jsonContent(ErrorSchema, "storage_unavailable: media storage kept failing; try again (Retry-After)"),
    ...errorResponses,
    413: jsonContent(ErrorSchema, "an upload larger than MAX_UPLOAD_BYTES, or JSON over 8 KiB"),
  },
});

const update = createRoute({
  method: "patch",
  path: "/{id}",
  summary: "Rename a video, change who may see it (private, unlisted, public), or allow downloading its MP4",
  security: bearer,
  request: { params: VideoIdParam, body: { content: { "application/json": { schema: UpdateVideoSchema } }, required: true } },
  responses: { 200: jsonContent(VideoSchema, "updated"), ...errorResponses },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  summary: "Delete a video with its media, progress and events",
  security: bearer,
  request: { params: VideoIdParam },
  responses: { 204: { description: "deleted" }, ...errorResponses },
});

export function videoRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(list, async (c) => {
    const rows = await listVisibleVideos(deps.db, c.get("viewer").id);
    // Asking for the list is asking: bring a few packaging videos up to date with their jobs.
    const fresh = await Promise.all(rows.map((v, i) => (v.status === "generating" && i < REFRESH_IN_LIST ? refreshVideo(deps, v) : v)));
    const viewerId = c.get("viewer").id;
    return c.json({ videos: fresh.map((v) => toViewerVideo(v, viewerId)) }, 200);
  });

  app.openapi(get, async (c) => {
    const video = await findVisibleVideo(deps.db, c.req.valid("param").id, c.get("viewer").id);
    if (!video) throw new HttpError(404, "not_found", "no such video");
    return c.json(toViewerVideo(await refreshVideo(deps, video), c.get("viewer").id), 200);
  });

  app.openapi(create, async (c) => {
    const viewer = c.get("viewer");
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    const id = newVideoId();
    let row: NewVideo;
    if (type === "application/json") {
      const body = c.req.valid("json") as z.infer<typeof ImportVideoSchema>;
      if (!viewer.roles.includes("admin") && !deps.config.DEMO_MODE) {
        throw new HttpError(403, "forbidden", "only admins may register media that is already in storage; upload the file instead");
      }
      const meta = await readPackageMeta(deps.storage, body.storageKey).catch((error: unknown) => {
        if (error instanceof PackageMetaError) throw new HttpError(422, "invalid_package", error.message);
        throw error;
      });
      if (meta && !isSignablePrefix(body.storageKey)) {
        throw new HttpError(400, "invalid_input", "storageKey: a packaged video's prefix must be one folder name of letters, digits, _ and - (not starting with node-)");
      }
      if (meta) {
        row = { id, ownerId: viewer.id, title: body.title, visibility: body.visibility, status: "ready", progress: 1, storagePrefix: body.storageKey, ...meta };
      } else if (await deps.storage.head(body.storageKey)) {
        row = { id, ownerId: viewer.id, title: body.title, visibility: body.visibility, status: "pending", sourceKey: body.storageKey };
      } else {
        throw new HttpError(400, "invalid_input", `storageKey: nothing in storage at "${body.storageKey}"`);
      }
    } else if (isUploadType(type)) {
      const query = c.req.valid("query");
      const body = c.req.raw.body;
      if (!body) throw new HttpError(400, "invalid_input", "body: send the video file as the request body");
      const declared = Number(c.req.header("Content-Length") ?? NaN);
      if (declared > deps.config.MAX_UPLOAD_BYTES) throw uploadTooLarge(deps.config.MAX_UPLOAD_BYTES);
      const sourceKey = uploadKey(id);
      try {
        await deps.storage.put(sourceKey, body.pipeThrough(limitBytes(deps.config.MAX_UPLOAD_BYTES)));
      } catch (error) {
        await deps.storage.delete(sourceKey).catch(() => {});
        if (error instanceof RangeError) throw uploadTooLarge(deps.config.MAX_UPLOAD_BYTES);
        if (clientWentAway(error, c.req.raw)) throw uploadCancelled(`upload ${id}`);
        throw error;
      }
      const stored = await deps.storage.head(sourceKey);
      if (!stored?.size) {
        await deps.storage.delete(sourceKey);
        throw new HttpError(400, "invalid_input", "body: the upload was empty");
      }
      row = { id, ownerId: viewer.id, title: query.title ?? "Untitled", visibility: query.visibility ?? "private", status: "pending", sourceKey };
    } else {
      throw new HttpError(415, "unsupported_media_type", "send JSON {title, storageKey}, or the file itself as video/*, audio/* or application/octet-stream");
    }
    const video = await videoAdded(deps, await insertVideo(deps.db, row));
    return c.json(toViewerVideo(video, viewer.id), 201);
  });

  app.openapi(update, async (c) => {
    const video = await ownVideo(deps, c.req.valid("param").id, c.get("viewer"));
    const changes = c.req.valid("json");
    await updateVideo(deps.db, video.id, changes);
    return c.json(toViewerVideo({ ...video, ...changes }, video.ownerId), 200);
  });

  app.openapi(remove, async (c) => {
    const video = await ownVideo(deps, c.req.valid("param").id, c.get("viewer"));
    const keys: string[] = [];
    if (video.storagePrefix && !(await isPrefixShared(deps.db, video.storagePrefix, video.id))) {
      keys.push(...(await deps.storage.list(video.storagePrefix)));
    }
    if (video.sourceKey && isOwnUpload(video.sourceKey, video.id)) keys.push(video.sourceKey);
    keys.push(...(await deps.storage.list(sidecarPrefix(video.id)))); // the video's own, never shared
    // Rows first (with the video.deleted webhook): a viewer can no longer get a token, so nothing can
    // start reading what we delete.
    await videoDeleted(deps, video, deleteVideoQueries(deps.db, video.id));
    for (const key of keys) await deps.storage.delete(key);
    return c.body(null, 204);
  });

  return app;
}
