// The answer of the worker's GET /api/videos/:id/stream: the worker's route declares it (and its
// OpenAPI document); its output is exactly StreamInfo (stream-info.ts, the zod-free type the player
// SDK imports and publishes), or this module does not compile.
import { z } from "zod";
import type { StreamInfo } from "./stream-info.ts";

export const StreamResponseSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ready"),
    manifestUrl: z.string(),
    expiresAt: z.iso.datetime(),
    sessionId: z.string(),
    posterUrl: z.string().optional(),
    thumbnailsUrl: z.string().optional(),
    /** The same video as a static DASH manifest over the same segments, signed like manifestUrl. */
    dashUrl: z.string().optional(),
    /** A progressive MP4 of the same video: the player's last fallback. */
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
export type { StreamInfo };

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// A field added to one and not the other is a compile error here.
const schemaMatchesStreamInfo: Same<z.output<typeof StreamResponseSchema>, StreamInfo> = true;
void schemaMatchesStreamInfo;
