// What a request for a sidecar file under a video's signed path names, and where its answer comes
// from: the composed master/MPD (the package's, plus the video's tracks from the database), a
// generated media playlist, or the stored WebVTT. Reached only through SIDECAR_MASTER_PLAYLIST and
// SIDECAR_DASH_MANIFEST, which /stream hands out to videos that have sidecars: for the others the
// signed path does no more than it did.
import {
  DASH_MANIFEST,
  MASTER_PLAYLIST,
  MEDIA_PLAYLIST,
  META_FILE,
  PackageMetaError,
  parsePackageMeta,
  SIDECAR_DASH_MANIFEST,
  SIDECAR_MASTER_PLAYLIST,
  SUBTITLE_FILE,
  sidecarRenditionName,
  sidecarSubtitleKey,
  subtitleMediaPlaylist,
  timestampMapLine,
  type StorageDriver,
} from "@edgestream/contracts";
import { findSidecarWithDuration, listSidecars } from "../db/sidecar-subtitles.ts";
import type { AppDeps } from "../env.ts";
import { HttpError } from "../errors.ts";
import { TRACK_ID_PATTERN } from "./sidecar-schemas.ts";
import { VTT_TIMESTAMP_MAP } from "./vtt-writer.ts";
import { withSidecarAdaptationSets, withSidecarSubtitles } from "./sidecar-manifests.ts";

export type SidecarRequest = { kind: "master" } | { kind: "mpd" } | { kind: "playlist"; trackId: string } | { kind: "vtt"; trackId: string };

const FOLDER_PREFIX = sidecarRenditionName("");

/** The sidecar file a path below the video's folder names, or null for any other (package) file. */
export function parseSidecarPath(rest: string): SidecarRequest | null {
  if (rest === SIDECAR_MASTER_PLAYLIST) return { kind: "master" };
  if (rest === SIDECAR_DASH_MANIFEST) return { kind: "mpd" };
  const [folder = "", file, ...more] = rest.split("/");
  if (more.length || !folder.startsWith(FOLDER_PREFIX)) return null;
  const trackId = folder.slice(FOLDER_PREFIX.length);
  if (!TRACK_ID_PATTERN.test(trackId)) return null;
  if (file === MEDIA_PLAYLIST) return { kind: "playlist", trackId };
  if (file === SUBTITLE_FILE) return { kind: "vtt", trackId };
  return null;
}

/** The master and MPD names /stream hands out for a stored video: the composed ones when it has sidecars. */
export function servedManifests(withSidecars: boolean): { master: string; mpd: string } {
  return withSidecars ? { master: SIDECAR_MASTER_PLAYLIST, mpd: SIDECAR_DASH_MANIFEST } : { master: MASTER_PLAYLIST, mpd: DASH_MANIFEST };
}

/** The package's recorded first timestamp (meta.json), 0 when it records none or has no readable meta. */
async function firstTimestamp90k(storage: StorageDriver, src: string): Promise<number> {
  const key = `${src}/${META_FILE}`;
  const object = await storage.get(key);
  if (!object) return 0;
  try {
    return parsePackageMeta(await new Response(object.body).text(), key).firstTimestamp90k ?? 0;
  } catch (error) {
    if (error instanceof PackageMetaError) return 0;
    throw error;
  }
}

/** Generated text (a playlist or MPD), or the storage key whose bytes answer. */
export type SidecarAnswer = { text: string; servedAs: string } | { key: string };

/**
 * The answer for a sidecar request of video `vid` whose package is at `src`. `readStored` reads the
 * package's stored master or MPD (through the playlist cache).
 */
export async function sidecarAnswer(deps: AppDeps, vid: string, src: string, request: SidecarRequest, readStored: (key: string) => Promise<Uint8Array>): Promise<SidecarAnswer> {
  switch (request.kind) {
    case "master": {
      const [stored, tracks] = await Promise.all([readStored(`${src}/${MASTER_PLAYLIST}`), listSidecars(deps.db, vid)]);
      return { text: withSidecarSubtitles(new TextDecoder().decode(stored), tracks), servedAs: MASTER_PLAYLIST };
    }
    case "mpd": {
      const [stored, tracks] = await Promise.all([readStored(`${src}/${DASH_MANIFEST}`), listSidecars(deps.db, vid)]);
      return { text: withSidecarAdaptationSets(new TextDecoder().decode(stored), tracks), servedAs: DASH_MANIFEST };
    }
    case "playlist": {
      const found = await findSidecarWithDuration(deps.db, vid, request.trackId);
      if (!found) throw new HttpError(404, "not_found", "no such subtitle track");
      if (found.durationMs === null) throw new HttpError(404, "not_found", "the video's duration is not known yet");
      return { text: subtitleMediaPlaylist(found.durationMs / 1000), servedAs: MEDIA_PLAYLIST };
    }
    case "vtt": {
      // As stored (MPEGTS 0) unless the package starts elsewhere: then its own map, as its tracks have.
      const key = sidecarSubtitleKey(vid, request.trackId);
      const mpegts = await firstTimestamp90k(deps.storage, src);
      if (!mpegts) return { key };
      const object = await deps.storage.get(key);
      if (!object) throw new HttpError(404, "not_found", "no such subtitle track");
      return { text: (await new Response(object.body).text()).replace(VTT_TIMESTAMP_MAP, timestampMapLine(mpegts)), servedAs: SUBTITLE_FILE };
    }
  }
}
