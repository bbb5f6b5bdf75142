// The packager's one DASH step: read the fMP4 renditions' timelines back and write the static MPD
// beside the master playlist. MPEG-TS packages get none (DASH here is the ISO BMFF live profile).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DASH_MANIFEST, type SegmentType } from "@edgestream/contracts";
import { buildMpd, type PackageRendition } from "./mpd-builder.ts";
import { readRenditionTimeline } from "./rendition-timeline.ts";

/** Writes `manifest.mpd` into the package folder; its file name for meta.json's `dash`, or null when none was written. */
export async function writeDashManifest(dir: string, renditions: readonly PackageRendition[], segmentType: SegmentType): Promise<string | null> {
  if (segmentType !== "fmp4") return null;
  const media = renditions.filter((r) => r.kind !== "subtitle");
  const timelines = new Map(await Promise.all(media.map(async (r) => [r.name, await readRenditionTimeline(join(dir, r.name))] as const)));
  await writeFile(join(dir, DASH_MANIFEST), buildMpd(renditions, timelines));
  return DASH_MANIFEST;
}
