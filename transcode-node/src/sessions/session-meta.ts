// The meta.json a finished on-demand session leaves beside its package: complete under the contracts
// schema (one rendition, the session's own), so a later job that deduplicates onto it reads real facts.
import { MASTER_PLAYLIST, MEDIA_PLAYLIST, PACKAGE_META_VERSION, PackageMetaSchema, type Backend, type PackageMeta } from "@edgestream/contracts";
import { ENCODER_OF } from "../hw-backends.ts";
import { sessionCodecs } from "./vod-playlist.ts";

export interface SessionPackage {
  sha256: string;
  source: PackageMeta["source"];
  segmentSeconds: number;
  segments: number;
  backend: Backend;
  hasAudio: boolean;
  profile: { name: string; width: number; height: number; fps: number; maxBitrateKbps: number };
  /** Poster and thumbnails made from the session's rendition (session-thumbnails.ts), when they could be. */
  thumbnails?: PackageMeta["thumbnails"];
  /** Set for a copy-mode session: the source's codecs (nothing was encoded). */
  codecs?: string;
}

export function buildSessionMeta(p: SessionPackage, createdAt: Date): PackageMeta {
  const bitrate = p.profile.maxBitrateKbps * 1000;
  return PackageMetaSchema.parse({
    version: PACKAGE_META_VERSION,
    sha256: p.sha256,
    createdAt: createdAt.toISOString(),
    master: MASTER_PLAYLIST,
    // Every playlist names its files by relative paths (ffmpeg's segment names, our master): a
    // token in the URL path reaches every file, and the worker serves the playlists as stored.
    relativeUris: true,
    origin: "on-demand-session",
    source: p.source,
    segmentSeconds: p.segmentSeconds,
    segmentType: "fmp4",
    backend: p.backend,
    encoder: p.codecs ? null : ENCODER_OF[p.backend],
    warnings: [],
    renditions: [
      {
        name: p.profile.name,
        kind: "video",
        playlist: `${p.profile.name}/${MEDIA_PLAYLIST}`,
        // The encoder's cap (the BANDWIDTH the session's master playlist announces), not a measurement.
        peakBps: bitrate,
        averageBps: bitrate,
        segments: p.segments,
        durationSec: p.source.durationSec,
        codecs: p.codecs ?? sessionCodecs(p.hasAudio),
        width: p.profile.width,
        height: p.profile.height,
        frameRate: p.profile.fps,
        mode: p.codecs ? "copy" : "transcode",
      },
    ],
    thumbnails: p.thumbnails ?? null,
  } satisfies PackageMeta);
}
