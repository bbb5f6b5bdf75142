// Request and response schemas of the sidecar subtitle routes.
import { z } from "@hono/zod-openapi";
import { VideoIdParam } from "../routes/schemas.ts";

/** The cap on a subtitle file, checked while the body is read (http/body-limit.ts), before parsing. */
export const MAX_SUBTITLE_BYTES = 2 * 1024 * 1024;
/** Tracks one video may carry: each is an EXT-X-MEDIA line in every master the video is served with. */
export const MAX_SIDECARS_PER_VIDEO = 20;

function canonicalLanguage(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** A BCP 47 tag (ISO 639 codes are ones), stored in its canonical spelling: `EN-us` becomes `en-US`. */
const Language = z
  .string()
  .max(35)
  .refine((tag) => /^[A-Za-z0-9-]+$/.test(tag) && canonicalLanguage(tag) !== undefined, "must be a BCP 47 language tag such as en, pt-BR or zh-Hant")
  .transform((tag) => canonicalLanguage(tag)!);

/** What players show: letters, digits, spaces and plain punctuation (it lands in a quoted playlist attribute and XML). */
const Label = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{M}\p{N} ()'.,_+-]+$/u, "must be letters, digits, spaces and ( ) ' . , _ + - only");

/** A sidecar track id as it appears in routes and in served folder names (`sidecar-<id>`). */
export const TRACK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TrackId = z.string().regex(TRACK_ID_PATTERN, "must be a subtitle track id");

export const SubtitleUploadQuery = z.object({
  language: Language.openapi({ example: "fr" }),
  label: Label.optional().openapi({ description: "the name players show; the language tag when absent", example: "Français" }),
});

export const SubtitleTrackParam = VideoIdParam.extend({ trackId: TrackId.openapi({ param: { name: "trackId", in: "path" } }) });

export const SubtitleTrackSchema = z
  .object({
    id: z.string(),
    language: z.string(),
    label: z.string(),
    cues: z.number().int(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("SubtitleTrack");

export const SubtitleTrackListSchema = z.object({ tracks: z.array(SubtitleTrackSchema) }).openapi("SubtitleTrackList");
