// A video as the API shows it (routes and webhook bodies alike): no storage keys, no job ids.
import type { z } from "@hono/zod-openapi";
import type { Video } from "../db/schema.ts";
import type { VideoSchema } from "./schemas.ts";

export function toPublicVideo(video: Video): z.infer<typeof VideoSchema> {
  return {
    id: video.id,
    title: video.title,
    status: video.status,
    visibility: video.visibility,
    durationMs: video.durationMs,
    createdAt: video.createdAt.toISOString(),
  };
}
