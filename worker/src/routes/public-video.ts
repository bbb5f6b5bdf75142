// A video as the API shows it (routes and webhook bodies alike): no storage keys, no job ids.
import type { z } from "@hono/zod-openapi";
import type { Video } from "../db/schema.ts";
import type { VideoSchema } from "./schemas.ts";

export type PublicVideo = Omit<z.infer<typeof VideoSchema>, "owned">;

/** What anyone told about the video sees (webhook receivers included). */
export function toPublicVideo(video: Video): PublicVideo {
  return {
    id: video.id,
    title: video.title,
    status: video.status,
    visibility: video.visibility,
    durationMs: video.durationMs,
    allowDownload: video.allowDownload,
    createdAt: video.createdAt.toISOString(),
    progress: video.progress,
    error: video.status === "failed" ? video.error : null,
  };
}

/** The video as one viewer sees it: whether it is theirs (the demo's owner actions). */
export function toViewerVideo(video: Video, viewerId: string): z.infer<typeof VideoSchema> {
  return { ...toPublicVideo(video), owned: video.ownerId === viewerId };
}
