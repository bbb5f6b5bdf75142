// The layout of a package in storage, as the transcode node writes it and the worker serves it:
// `<prefix>/master.m3u8`, `<prefix>/meta.json`, one folder per rendition (`720p/`, `audio/`, a
// session's `<rung>-live/`) holding `index.m3u8`, `init.mp4` and `seg_00000.m4s`…, and `thumbnails/`.
// Every file name below is written here once; the writers (ffmpeg arguments, sessions, publishing)
// and the readers (the worker's HLS route, the node's session routes) import them.

export const MASTER_PLAYLIST = "master.m3u8";
export const MEDIA_PLAYLIST = "index.m3u8";
export const META_FILE = "meta.json";
/** The fMP4 init segment of a rendition. */
export const INIT_SEGMENT = "init.mp4";
/** The audio rendition's folder (and its GROUP-ID in the master playlist). */
export const AUDIO_RENDITION = "audio";
/** GROUP-ID of the subtitle renditions in the master playlist (and the MPD's text adaptation sets' id prefix). */
export const SUBTITLE_GROUP = "subs";
/** The one WebVTT file of a subtitle rendition, beside its media playlist (`subs_0/subtitles.vtt`). */
export const SUBTITLE_FILE = "subtitles.vtt";
/** The static DASH manifest beside the master playlist: the same init and media segments, no second copy. */
export const DASH_MANIFEST = "manifest.mpd";
/** The progressive (faststart) MP4 of a package: the player's last fallback and the owner's download. */
export const PROGRESSIVE_MP4 = "download.mp4";
/**
 * The master playlist and MPD the worker composes for a video that has sidecar subtitles: the
 * package's own, with the video's sidecars joined to the subtitle group. Never stored; /stream hands
 * these names out only to such videos, so the others keep the stored-bytes path.
 */
export const SIDECAR_MASTER_PLAYLIST = "master-sidecars.m3u8";
export const SIDECAR_DASH_MANIFEST = "manifest-sidecars.mpd";
/** The served folder of a sidecar track (its generated media playlist and SUBTITLE_FILE): `sidecar-<trackId>`. */
export function sidecarRenditionName(trackId: string): string {
  return `sidecar-${trackId}`;
}
export const THUMBNAIL_DIR = "thumbnails";
export const POSTER_FILE = "poster.jpg";
export const THUMBNAIL_TRACK = "thumbnails.vtt";

export type SegmentExtension = "m4s" | "ts";

/** Segment indices are five digits: `seg_00042.m4s`. */
const SEGMENT_DIGITS = 5;

/** The `-hls_segment_filename` pattern ffmpeg expands to segmentName(n). */
export function ffmpegSegmentPattern(extension: SegmentExtension = "m4s"): string {
  return `seg_%0${SEGMENT_DIGITS}d.${extension}`;
}

/** The file name of segment `index`. */
export function segmentName(index: number, extension: SegmentExtension = "m4s"): string {
  return `seg_${String(index).padStart(SEGMENT_DIGITS, "0")}.${extension}`;
}

/** An fMP4 segment's file name: `seg_` and five digits, `.m4s`. */
export const SEGMENT_NAME = /^seg_(\d{5})\.m4s$/;

/** The index of an fMP4 segment file name, or undefined for any other name. */
export function parseSegmentName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The folder of the package's audio rendition number `index` (output order, default first): `audio`,
 * then `audio_1`, `audio_2`… A single-track package keeps the layout it always had.
 */
export function audioRenditionName(index: number): string {
  return index === 0 ? AUDIO_RENDITION : `${AUDIO_RENDITION}_${index}`;
}

/** The folder of the package's subtitle rendition number `index`: `subs_0`, `subs_1`… */
export function subtitleRenditionName(index: number): string {
  return `${SUBTITLE_GROUP}_${index}`;
}

/** The rendition folder an on-demand session writes for a ladder rung (`720p` → `720p-live`). */
export function liveRenditionName(rung: string): string {
  return `${rung}-live`;
}

const RENDITION_FOLDER = /^[A-Za-z0-9_-]+$/;
/** A media segment of either type a package may hold: `seg_00042.m4s` or `seg_00042.ts`. */
const ANY_SEGMENT_NAME = /^seg_\d{5}\.(m4s|ts)$/;
/** ffmpeg names the init segment of variant N `init_N.mp4` when one process writes several renditions. */
const VARIANT_INIT_NAME = /^init_\d+\.mp4$/;

/**
 * A file of a package whose bytes never change once written, the same for every viewer: a rendition's
 * init segment or a media segment. Not playlists, `meta.json` or thumbnails, and nothing in a
 * session's `<rung>-live/` folder, which still grows while the session runs.
 */
export function isImmutablePackageFile(key: string): boolean {
  const parts = key.split("/");
  const file = parts.at(-1)!;
  const folder = parts.at(-2);
  if (!folder || folder.endsWith(liveRenditionName(""))) return false;
  return file === INIT_SEGMENT || VARIANT_INIT_NAME.test(file) || ANY_SEGMENT_NAME.test(file);
}

/** A path a session serves below its prefix: the master, or a rendition's playlist, init or segment. */
export function isSessionFile(path: string): boolean {
  if (path === MASTER_PLAYLIST) return true;
  const [folder, file, ...rest] = path.split("/");
  if (rest.length > 0 || !folder || !file || !RENDITION_FOLDER.test(folder)) return false;
  return file === MEDIA_PLAYLIST || file === INIT_SEGMENT || SEGMENT_NAME.test(file);
}
