// A complete, valid meta.json for tests that seed a package by hand.
import { MASTER_PLAYLIST, MEDIA_PLAYLIST } from "../package-layout.ts";
import { PACKAGE_META_VERSION, type PackageMeta } from "../package-meta.ts";

export function samplePackageMeta(overrides: Partial<PackageMeta> = {}): PackageMeta {
  return {
    version: PACKAGE_META_VERSION,
    sha256: "a".repeat(64),
    createdAt: "2026-01-01T00:00:00.000Z",
    master: MASTER_PLAYLIST,
    relativeUris: true,
    origin: "job",
    source: { name: "clip.mp4", formatName: "mov,mp4,m4a,3gp,3g2,mj2", durationSec: 4, sizeBytes: 1000 },
    segmentSeconds: 2,
    segmentType: "fmp4",
    backend: "software",
    encoder: "libx264",
    warnings: [],
    renditions: [
      { name: "360p", kind: "video", playlist: `360p/${MEDIA_PLAYLIST}`, peakBps: 800_000, averageBps: 600_000, segments: 2, durationSec: 4, codecs: "avc1.64001e", width: 640, height: 360, frameRate: 25, mode: "transcode" },
    ],
    thumbnails: null,
    ...overrides,
  };
}
