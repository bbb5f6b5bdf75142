// The answer of GET /api/videos/:id/stream as a plain type, with no import: the player SDK publishes
// it in its own declarations, and its users have no zod. stream-response.ts declares the schema and
// fails to compile unless the schema's output is exactly this type.
export type StreamInfo =
  | {
      status: "ready";
      manifestUrl: string;
      /** ISO 8601 date-time. */
      expiresAt: string;
      sessionId: string;
      posterUrl?: string | undefined;
      thumbnailsUrl?: string | undefined;
      /** The same video as a static DASH manifest over the same segments, signed like manifestUrl. */
      dashUrl?: string | undefined;
      /** A progressive MP4 of the same video: the player's last fallback. */
      mp4Url?: string | undefined;
    }
  | {
      status: "generating";
      progress: number;
      retryAfter: number;
      sessionId: string;
      /** When the node plays it on demand: a signed manifest that plays at once. */
      manifestUrl?: string | undefined;
      expiresAt?: string | undefined;
      mp4Url?: string | undefined;
    }
  | { status: "failed"; error: string };
