// The answer of the worker's GET /api/videos/:id/stream: the worker's route declares it (and its
// OpenAPI document), the player SDK's StreamInfo is its output type (imported as a type only).
import { z } from "zod";

export const StreamResponseSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ready"),
    manifestUrl: z.string(),
    expiresAt: z.iso.datetime(),
    sessionId: z.string(),
    posterUrl: z.string().optional(),
    thumbnailsUrl: z.string().optional(),
    /** A progressive MP4 of the same video: the player's last fallback. Not sent by the worker yet. */
    mp4Url: z.string().optional(),
  }),
  z.object({
    status: z.literal("generating"),
    progress: z.number(),
    retryAfter: z.number().int(),
    sessionId: z.string(),
    /** When the node plays it on demand: a signed manifest that plays at once. */
    manifestUrl: z.string().optional(),
    expiresAt: z.iso.datetime().optional(),
    mp4Url: z.string().optional(),
  }),
  z.object({ status: z.literal("failed"), error: z.string() }),
]);
export type StreamInfo = z.output<typeof StreamResponseSchema>;
