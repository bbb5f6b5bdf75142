// meta.json: what a package says about itself, written beside its master playlist by every writer
// (a packaging job, a finished on-demand session) and parsed with this schema by every reader (a
// job that deduplicates onto an existing package, the worker registering a prefix as a video).
// A meta.json that does not parse is an error naming the field, never a cast.
import { z } from "zod";
import { TRACK_ROLES } from "./track-role.ts";

/** The hardware encoders a node may use; "software" is libx264. */
export const HW_BACKENDS = ["nvenc", "qsv", "vaapi", "videotoolbox"] as const;
export type HwBackend = (typeof HW_BACKENDS)[number];
export const BackendSchema = z.enum([...HW_BACKENDS, "software"]);
export type Backend = z.infer<typeof BackendSchema>;

export const SegmentTypeSchema = z.enum(["fmp4", "ts"]);
export type SegmentType = z.infer<typeof SegmentTypeSchema>;

/**
 * Version 3 added `relativeUris`; version 2 metas still parse (as not relative: nothing was recorded).
 * Version 4 added every audio language and subtitle renditions (`kind: "subtitle"`, `language`, `title`,
 * `default`, `forced`, `role`), `dash` and `progressive`; version 2 and 3 metas still parse without them.
 */
export const PACKAGE_META_VERSION = 4;

/** What a track is for, from the source's dispositions (HLS `CHARACTERISTICS`, DASH `Role`). */
export const TrackRoleSchema = z.enum(TRACK_ROLES);

const positive = z.number().positive();

/** A source's SHA-256 in lower-case hex: what a package is stored under (content-addressed). */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "must be the source's SHA-256 in hex");

export const PackageMetaSchema = z.object({
  version: z.union([z.literal(2), z.literal(3), z.literal(PACKAGE_META_VERSION)]),
  sha256: Sha256Schema,
  createdAt: z.iso.datetime(),
  /** The master playlist's file name below the package prefix. */
  master: z.string().min(1),
  /**
   * Every URI in every playlist of the package is relative and stays below its prefix, as the packager
   * writes them: a player resolving them against a playlist's URL keeps a token carried in the path,
   * so the worker can serve the stored bytes unrewritten. False when not recorded (version 2, other tools).
   */
  relativeUris: z.boolean().default(false),
  /** Which writer made it; absent in packages written by a packaging job before sessions existed. */
  origin: z.enum(["job", "on-demand-session"]).optional(),
  /** The probed source (the node's MediaInfo) and its file name; readers rely on the named fields. */
  source: z.looseObject({ name: z.string(), formatName: z.string(), durationSec: positive, sizeBytes: z.number().nonnegative() }),
  segmentSeconds: positive,
  segmentType: SegmentTypeSchema,
  /**
   * The 90 kHz presentation time of the main rendition's first sample: the MPEGTS of a WebVTT track's
   * X-TIMESTAMP-MAP (the worker writes it into sidecar subtitles as it serves them). Absent: 0.
   */
  firstTimestamp90k: z.int().nonnegative().optional(),
  /** The backend that produced the encoded rungs ("software" also when everything was copied). */
  backend: BackendSchema,
  encoder: z.string().nullable(),
  warnings: z.array(z.string()),
  renditions: z
    .array(
      z.object({
        name: z.string().min(1),
        kind: z.enum(["video", "audio", "subtitle"]),
        playlist: z.string().min(1),
        /** Peak and average bits per second over the segments. */
        peakBps: positive,
        averageBps: positive,
        segments: z.int().positive(),
        durationSec: positive,
        codecs: z.string().min(1),
        width: z.int().positive().optional(),
        height: z.int().positive().optional(),
        frameRate: positive.optional(),
        channels: z.int().positive().optional(),
        /** Audio and subtitle renditions: ISO 639 language from the source ("und" when it named none). */
        language: z.string().min(2).max(35).optional(),
        /** The name a player shows (HLS NAME, DASH Label): the source's title, else one made from language and role. */
        title: z.string().min(1).max(200).optional(),
        /** The source's default disposition (HLS DEFAULT=YES); one audio rendition at most is default. */
        default: z.boolean().optional(),
        /** Subtitles shown even with captions off (forced narrative). */
        forced: z.boolean().optional(),
        role: TrackRoleSchema.optional(),
        mode: z.enum(["copy", "transcode"]),
      }),
    )
    .min(1),
  /** The DASH manifest's file name below the prefix (same segments as the HLS renditions); absent in older packages. */
  dash: z.string().min(1).nullable().optional(),
  /** The progressive MP4 (faststart, one video rung and the default audio): file name, size, which video rung. */
  progressive: z
    .object({ file: z.string().min(1), sizeBytes: z.int().positive(), rendition: z.string().min(1) })
    .nullable()
    .optional(),
  thumbnails: z
    .object({
      poster: z.string(),
      track: z.string(),
      sprites: z.array(z.string()),
      intervalSec: positive,
      width: z.int().positive(),
      height: z.int().positive(),
      columns: z.int().positive(),
      rows: z.int().positive(),
      count: z.int().positive(),
    })
    .nullable(),
});
export type PackageMeta = z.infer<typeof PackageMetaSchema>;

/** A meta.json that is not valid JSON or does not match the schema. */
export class PackageMetaError extends Error {
  constructor(key: string, problem: string) {
    super(`${key} is not a valid package meta.json: ${problem}`);
    this.name = "PackageMetaError";
  }
}

/** Parses the text of a meta.json; `key` names it in the error. */
export function parsePackageMeta(text: string, key: string): PackageMeta {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PackageMetaError(key, "not JSON");
  }
  const parsed = PackageMetaSchema.safeParse(json);
  if (!parsed.success) throw new PackageMetaError(key, z.prettifyError(parsed.error).replaceAll("\n", " "));
  return parsed.data;
}
