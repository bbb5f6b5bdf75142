// Sidecar subtitles: an owner (or an admin) adds a .vtt or .srt to a video, lists and deletes them.
// The file is judged and converted to WebVTT (subtitles/subtitle-file.ts), stored per video
// (sidecarSubtitleKey) with a row; the video's master and MPD gain the track (routes/hls.ts).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sidecarSubtitleKey } from "@edgestream/contracts";
import { newTrackId } from "../db/ids.ts";
import type { SidecarSubtitle, Video } from "../db/schema.ts";
import { deleteSidecar, insertSidecar, listSidecars } from "../db/sidecar-subtitles.ts";
import { findVideo } from "../db/videos.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv, Viewer } from "../env.ts";
import { convertSubtitles } from "../subtitles/subtitle-file.ts";
import {
  MAX_SIDECARS_PER_VIDEO,
  MAX_SUBTITLE_BYTES,
  SubtitleTrackListSchema,
  SubtitleTrackParam,
  SubtitleTrackSchema,
  SubtitleUploadQuery,
} from "../subtitles/sidecar-schemas.ts";
import { bearer, errorResponses, jsonContent } from "./openapi-helpers.ts";
import { ErrorSchema, VideoIdParam } from "./schemas.ts";

/** The video when this viewer owns it or is an admin; 404 otherwise, like every owner route. */
async function managedVideo(deps: AppDeps, id: string, viewer: Viewer): Promise<Video> {
  const video = await findVideo(deps.db, id);
  if (!video || (video.ownerId !== viewer.id && !viewer.roles.includes("admin"))) throw new HttpError(404, "not_found", "no such video");
  return video;
}

function toTrack(row: SidecarSubtitle): z.infer<typeof SubtitleTrackSchema> {
  return { id: row.id, language: row.language, label: row.label, cues: row.cues, createdAt: row.createdAt.toISOString() };
}

const add = createRoute({
  method: "post",
  path: "/{id}/subtitles",
  summary: "Add a sidecar subtitle track (WebVTT or SubRip) to a video you own",
  description:
    "Send the file itself as the body (any of text/vtt, application/x-subrip, text/plain, application/octet-stream: the format is read from the content), " +
    `UTF-8 with or without BOM, at most ${MAX_SUBTITLE_BYTES} bytes, with ?language= (BCP 47) and optionally ?label=. ` +
    "SubRip is converted to WebVTT; WebVTT is re-written clean (cue ids, timings, settings and text; NOTE, STYLE and REGION blocks dropped). " +
    "The track joins the video's master playlist (and MPD) in the subtitle group.",
  security: bearer,
  request: {
    params: VideoIdParam,
    query: SubtitleUploadQuery,
    body: { content: { "text/vtt": { schema: z.string() }, "application/x-subrip": { schema: z.string() } }, required: false },
  },
  responses: {
    201: jsonContent(SubtitleTrackSchema, "added"),
    ...errorResponses,
    409: jsonContent(ErrorSchema, `the video already has ${MAX_SIDECARS_PER_VIDEO} subtitle tracks, or one with this label`),
    413: jsonContent(ErrorSchema, `the file is over ${MAX_SUBTITLE_BYTES} bytes: it was not read further`),
    415: jsonContent(ErrorSchema, "not UTF-8 WebVTT or SubRip (binary, image subtitles, ASS/SSA…)"),
    422: jsonContent(ErrorSchema, "WebVTT or SubRip whose cues do not parse: the message names the first bad line"),
  },
});

const list = createRoute({
  method: "get",
  path: "/{id}/subtitles",
  summary: "A video's sidecar subtitle tracks",
  security: bearer,
  request: { params: VideoIdParam },
  responses: { 200: jsonContent(SubtitleTrackListSchema, "the tracks, in the order the master lists them"), ...errorResponses },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}/subtitles/{trackId}",
  summary: "Delete a sidecar subtitle track",
  security: bearer,
  request: { params: SubtitleTrackParam },
  responses: { 204: { description: "deleted" }, ...errorResponses },
});

export function subtitleRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(add, async (c) => {
    const video = await managedVideo(deps, c.req.valid("param").id, c.get("viewer"));
    const { language, label } = c.req.valid("query");
    // The body is already read under MAX_SUBTITLE_BYTES (http/body-limit.ts): a larger one never got here.
    const converted = await convertSubtitles(new Uint8Array(await c.req.arrayBuffer()));
    const existing = await listSidecars(deps.db, video.id);
    if (existing.length >= MAX_SIDECARS_PER_VIDEO) {
      throw new HttpError(409, "too_many_tracks", `a video carries at most ${MAX_SIDECARS_PER_VIDEO} subtitle tracks: delete one first`);
    }
    const name = label ?? language;
    // NAME must be unique in a rendition group, and players list tracks by it.
    if (existing.some((t) => t.label === name)) throw new HttpError(409, "duplicate_label", `the video already has a subtitle track named "${name}": choose another label`);
    const id = newTrackId();
    const key = sidecarSubtitleKey(video.id, id);
    await deps.storage.put(key, converted.vtt);
    try {
      const row = await insertSidecar(deps.db, { id, videoId: video.id, language, label: name, cues: converted.cues });
      return c.json(toTrack(row), 201);
    } catch (error) {
      await deps.storage.delete(key).catch(() => {});
      throw error;
    }
  });

  app.openapi(list, async (c) => {
    const video = await managedVideo(deps, c.req.valid("param").id, c.get("viewer"));
    return c.json({ tracks: (await listSidecars(deps.db, video.id)).map(toTrack) }, 200);
  });

  app.openapi(remove, async (c) => {
    const { id, trackId } = c.req.valid("param");
    const video = await managedVideo(deps, id, c.get("viewer"));
    // Row first: the next /stream stops listing it, then its file goes.
    if (!(await deleteSidecar(deps.db, video.id, trackId))) throw new HttpError(404, "not_found", "no such subtitle track");
    await deps.storage.delete(sidecarSubtitleKey(video.id, trackId));
    return c.body(null, 204);
  });

  return app;
}
