// Request and response schemas: they validate input and generate the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { VIDEO_STATUSES, VISIBILITIES } from "../db/schema.ts";
import { isSafeKey, MAX_KEY_LENGTH, StreamResponseSchema } from "@edgestream/contracts";

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error", { example: { error: { code: "invalid_input", message: "title: Too small" } } });

/** Playback session ids from /stream (signing/session-id.ts); whether one is this viewer's is checked by its MAC. */
const SessionId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a session id from /stream");

export const VideoIdParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a video id").openapi({ param: { name: "id", in: "path" }, example: "V1StGXR8_Z5jdHi6B-myT" }),
});

export const VideoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(VIDEO_STATUSES),
    visibility: z.enum(VISIBILITIES),
    durationMs: z.number().int().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
    /** Packaging progress, 0 to 1 (1 once ready). */
    progress: z.number(),
    /** Why packaging failed, in words for the viewer (null unless failed). */
    error: z.string().nullable(),
    /** The owner offers its progressive MP4 for download (GET /api/videos/{id}/download). */
    allowDownload: z.boolean(),
    /** Whether the asking viewer owns it (may rename, change visibility, delete). */
    owned: z.boolean(),
  })
  .openapi("Video");

export const VideoListSchema = z.object({ videos: z.array(VideoSchema) }).openapi("VideoList");

export const ImportVideoSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** A storage prefix holding a packaged video (master.m3u8), or the key of a source file. */
    storageKey: z
      .string()
      .max(MAX_KEY_LENGTH)
      .refine(isSafeKey, "must be a plain storage key: folder names of letters, digits, . _ - and spaces (at most 255 each), no .. and no empty parts"),
    visibility: z.enum(VISIBILITIES).default("private"),
  })
  .openapi("ImportVideo");

export const UploadQuery = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  visibility: z.enum(VISIBILITIES).optional(),
});

export const UpdateVideoSchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), visibility: z.enum(VISIBILITIES).optional(), allowDownload: z.boolean().optional() })
  .refine((v) => v.title !== undefined || v.visibility !== undefined || v.allowDownload !== undefined, "give title, visibility or allowDownload")
  .openapi("UpdateVideo");

/** The /stream answer: its schema lives in contracts (the player SDK reads the same type). */
export const StreamSchema = StreamResponseSchema.meta({ id: "Stream" });

export const DownloadSchema = z
  .object({
    /** Signed like the stream's URLs; answers with Content-Disposition: attachment. */
    url: z.string(),
    expiresAt: z.string().openapi({ format: "date-time" }),
    /** The name the browser saves it under: the title, made safe, with ".mp4". */
    filename: z.string(),
    sizeBytes: z.number().int(),
  })
  .openapi("Download");

export const ProgressSchema = z
  .object({
    positionSec: z.number().min(0).nullable(),
    durationSec: z.number().min(0).nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Progress");

export const SaveProgressSchema = z
  .object({
    positionSec: z.number().min(0).max(7 * 86400),
    durationSec: z.number().min(0).max(7 * 86400).optional(),
    /** The client's clock (ms since epoch) when the position was read; newer wins. Defaults to now. */
    clientTime: z.number().int().min(0).optional(),
  })
  .openapi("SaveProgress");

const MAX_EVENT_DATA_DEPTH = 16;

/** Checked without recursion: JSON.parse takes any depth, but storing it (JSON.stringify) would overflow the stack. */
function nestedAtMost(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth >= maxDepth) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}

export const EventSchema = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, "must be a short lowercase event name"),
  videoId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  sessionId: SessionId.optional(),
  /** When it happened on the client (ms since epoch). */
  at: z.number().int().min(0),
  data: z
    .record(z.string(), z.unknown())
    .refine((data) => nestedAtMost(data, MAX_EVENT_DATA_DEPTH), `must be nested at most ${MAX_EVENT_DATA_DEPTH} levels deep`)
    .optional(),
});

export const EventBatchSchema = z.object({ events: z.array(EventSchema).min(1).max(500) }).openapi("EventBatch");

export const HeartbeatSchema = z
  .object({ videoId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), positionSec: z.number().min(0).optional() })
  .openapi("Heartbeat");

export const SessionIdParam = z.object({
  id: SessionId.openapi({ param: { name: "id", in: "path" } }),
});

export const StreamQuery = z.object({
  /** The playback session id from an earlier /stream answer, kept across token refreshes. */
  session: SessionId.optional(),
  /** The stream token being refreshed (expired or not): the fresh one points at the same source while it lives. */
  renew: z.string().regex(/^[A-Za-z0-9._-]{1,600}$/, "must be a stream token").optional(),
  /** `1`: a pre-warm (SDK prewarm()) asks, not a playing viewer: its on-demand session ranks below viewers' on the node. */
  prewarm: z.literal("1", { error: "must be 1 (a pre-warm) or absent" }).optional(),
});
