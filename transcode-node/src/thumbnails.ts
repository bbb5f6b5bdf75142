// Poster, sprite sheets and a WebVTT thumbnail track (`sprite.jpg#xywh=x,y,w,h`), made in a cheap
// second pass over our own output: the smallest rendition is already upright, SDR and 8-bit, and
// its keyframes sit on the segment grid, so decoding keyframes only is enough when the interval
// is a multiple of the segment duration.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { POSTER_FILE, THUMBNAIL_DIR, THUMBNAIL_TRACK } from "@edgestream/contracts";
import { runFfmpeg } from "./ffmpeg-process.ts";
import { inputArgs } from "./input-policy.ts";
import { concatInput, readMediaPlaylist } from "./media-playlist.ts";
import type { PackageMeta } from "@edgestream/contracts";
import type { PackagePlan, VideoPlan } from "./plan.ts";

export interface ThumbnailOptions {
  /** Seconds between thumbnails (default: the segment duration). */
  intervalSec?: number;
  /** Width of one thumbnail in pixels (default 160). */
  width?: number;
  columns?: number;
  rows?: number;
}

export interface ThumbnailLayout {
  intervalSec: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
  count: number;
  sprites: string[];
}

export interface ThumbnailResult {
  poster: string;
  track: string;
  layout: ThumbnailLayout;
}


/** Pure: how many thumbnails, of what size, on how many sprites. */
export function thumbnailLayout(durationSec: number, aspect: { width: number; height: number }, options: ThumbnailOptions, segmentSeconds: number): ThumbnailLayout {
  const intervalSec = options.intervalSec ?? segmentSeconds;
  const width = options.width ?? 160;
  const height = Math.max(2, Math.round((width * aspect.height) / aspect.width / 2) * 2);
  const columns = options.columns ?? 10;
  const rows = options.rows ?? 10;
  // One thumbnail per grid point inside the duration.
  const count = Math.max(1, Math.ceil(durationSec / intervalSec - 1e-6));
  const perSheet = columns * rows;
  const sprites = Array.from({ length: Math.ceil(count / perSheet) }, (_, i) => `sprite-${String(i + 1).padStart(3, "0")}.jpg`);
  return { intervalSec, width, height, columns, rows, count, sprites };
}

/** Pure: the WebVTT track. Cue i covers [i·interval, (i+1)·interval) and points into its sprite. */
export function buildThumbnailTrack(layout: ThumbnailLayout, durationSec: number): string {
  const perSheet = layout.columns * layout.rows;
  const cues = ["WEBVTT", ""];
  for (let i = 0; i < layout.count; i++) {
    const start = i * layout.intervalSec;
    const end = Math.min((i + 1) * layout.intervalSec, durationSec);
    const cell = i % perSheet;
    const x = (cell % layout.columns) * layout.width;
    const y = Math.floor(cell / layout.columns) * layout.height;
    cues.push(`${vttTime(start)} --> ${vttTime(Math.max(end, start + 0.001))}`, `${layout.sprites[Math.floor(i / perSheet)]}#xywh=${x},${y},${layout.width},${layout.height}`, "");
  }
  return cues.join("\n");
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/**
 * Our own segments, read as one stream through the concat protocol: the same allow-lists as any
 * source, widened by that one protocol, with the demuxer named.
 */
export function renditionInputArgs(segmentType: PackagePlan["segmentType"]): string[] {
  return inputArgs(segmentType === "fmp4" ? "mov" : "mpegts", { protocols: ["concat", "file"] });
}

/** Pure: sprite sheet arguments over one rendition (read with the concat protocol). */
export function buildSpriteArgs(input: string, outDir: string, layout: ThumbnailLayout, keyframesOnly: boolean, segmentType: PackagePlan["segmentType"]): string[] {
  return [
    "-hide_banner", "-nostats", "-loglevel", "error", "-y",
    ...(keyframesOnly ? ["-skip_frame", "nokey"] : []),
    ...renditionInputArgs(segmentType), "-i", input, "-an",
    // The first frame at or after each grid point (like -force_key_frames). Not the fps filter: it
    // drops a lone last frame, so a clip shorter than two intervals got no sprite at all.
    "-vf", `select=gte(t-start_t\\,selected_n*${layout.intervalSec}),scale=${layout.width}:${layout.height},tile=${layout.columns}x${layout.rows}`,
    "-fps_mode", "vfr", "-q:v", "5",
    join(outDir, "sprite-%03d.jpg"),
  ];
}

/** Pure: the poster, one frame a little way in (past fades from black), at most 1280 wide. */
export function buildPosterArgs(input: string, out: string, atSec: number, width: number, segmentType: PackagePlan["segmentType"]): string[] {
  return [
    "-hide_banner", "-nostats", "-loglevel", "error", "-y",
    "-ss", atSec.toFixed(3), ...renditionInputArgs(segmentType), "-i", input, "-an", "-frames:v", "1",
    "-vf", `scale=${Math.min(width, 1280)}:-2`, "-q:v", "3",
    out,
  ];
}

/** What the thumbnail pass reads of a plan: the renditions' folders and sizes, the segment grid and type. */
export type ThumbnailPlan = Pick<PackagePlan, "segmentSeconds" | "segmentType"> & { video: Pick<VideoPlan, "renditions"> | null };

/** The `thumbnails` entry of meta.json for a thumbnail pass's result. */
export function thumbnailsMeta(result: ThumbnailResult): NonNullable<PackageMeta["thumbnails"]> {
  return { poster: result.poster, track: result.track, ...result.layout, sprites: result.layout.sprites.map((s) => `${THUMBNAIL_DIR}/${s}`) };
}

export async function makeThumbnails(workDir: string, plan: ThumbnailPlan, durationSec: number, options: ThumbnailOptions = {}): Promise<ThumbnailResult | null> {
  const video = plan.video;
  if (!video) return null;
  const top = video.renditions[0]!;
  const lowest = video.renditions.at(-1)!;
  const layout = thumbnailLayout(durationSec, top, options, plan.segmentSeconds);
  const outDir = join(workDir, THUMBNAIL_DIR);
  await mkdir(outDir, { recursive: true });
  const keyframesOnly = lowest.mode === "transcode" && Number.isInteger(layout.intervalSec / plan.segmentSeconds);

  const lowDir = join(workDir, lowest.name);
  const lowEntries = await readMediaPlaylist(lowDir);
  const topDir = join(workDir, top.name);
  const topEntries = await readMediaPlaylist(topDir);
  // The poster reads only the one segment it falls in.
  const posterAt = durationSec > 4 ? Math.min(durationSec * 0.1, 10) : 0;
  const k = Math.max(0, topEntries.segments.findIndex((s) => posterAt < s.start + s.duration));
  const offset = posterAt - (topEntries.segments[k]?.start ?? 0);
  await Promise.all([
    runFfmpeg(buildSpriteArgs(concatInput(lowEntries), outDir, layout, keyframesOnly, plan.segmentType), { cwd: lowDir }).done,
    runFfmpeg(buildPosterArgs(concatInput(topEntries, k, k + 1), join(outDir, POSTER_FILE), offset, top.width, plan.segmentType), { cwd: topDir }).done,
  ]);
  const written = new Set(await readdir(outDir));
  const missing = [...layout.sprites, POSTER_FILE].filter((name) => !written.has(name));
  if (missing.length > 0) throw new Error(`thumbnails were not written: ${missing.join(", ")} missing`);
  await writeFile(join(outDir, THUMBNAIL_TRACK), buildThumbnailTrack(layout, durationSec));
  return { poster: `${THUMBNAIL_DIR}/${POSTER_FILE}`, track: `${THUMBNAIL_DIR}/${THUMBNAIL_TRACK}`, layout };
}
