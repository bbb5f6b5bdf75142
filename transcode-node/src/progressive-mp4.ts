// The package's progressive MP4 (`download.mp4`): one video rung and the default audio rendition
// remuxed from the segments already written (no second encode), moov first (`+faststart`) so a
// browser plays it while it downloads and seeks it with HTTP ranges. The SDK's last fallback and the
// owner's download.
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { audioRenditionName, PROGRESSIVE_MP4, type PackageMeta } from "@edgestream/contracts";
import { runFfmpeg } from "./ffmpeg-process.ts";
import { inputArgs } from "./input-policy.ts";
import { readMediaPlaylist } from "./media-playlist.ts";
import type { PackagePlan, Rendition } from "./plan.ts";

const run = promisify(execFile);

/** The rung a progressive MP4 carries when the top one was encoded: big enough to watch, small enough to fetch whole. */
export const PROGRESSIVE_HEIGHT = 720;

/** The copied top rung (no quality lost, no bigger than the source); else the 720p rung, else the tallest below it, else the smallest. */
export function progressiveRendition(renditions: readonly Rendition[]): Rendition | undefined {
  const copied = renditions.find((r) => r.mode === "copy");
  if (copied) return copied;
  const below = renditions.filter((r) => r.height <= PROGRESSIVE_HEIGHT).sort((a, b) => b.height - a.height);
  return below[0] ?? [...renditions].sort((a, b) => a.height - b.height)[0];
}

/** Pure: the remux's arguments. Each list file names one rendition's init and segments (the concatf protocol, so hours of segments never meet the argument length limit). */
export function buildProgressiveArgs(videoList: string, audioList: string | null, out: string, segmentType: PackagePlan["segmentType"], startSec: number): string[] {
  return [
    "-hide_banner", "-nostats", "-loglevel", "error", "-y",
    // Both inputs keep the timestamps the packager gave them: they come from one run on one clock, so
    // A/V stay as in sync as in the HLS package (without it each input would be shifted to its own
    // zero). The earlier of the two starts becomes zero (MPEG-TS segments start at 1.4 s).
    "-copyts",
    ...renditionInput(videoList, segmentType),
    ...(audioList ? renditionInput(audioList, segmentType) : []),
    "-map", "0:v:0", ...(audioList ? ["-map", "1:a:0"] : []),
    "-c", "copy",
    // ADTS AAC in TS segments needs its headers moved into the MP4's config; a no-op for fMP4 input.
    ...(audioList && segmentType === "ts" ? ["-bsf:a", "aac_adtstoasc"] : []),
    "-output_ts_offset", (-startSec).toFixed(6),
    "-movflags", "+faststart", "-f", "mp4",
    out,
  ];
}

function renditionInput(list: string, segmentType: PackagePlan["segmentType"]): string[] {
  return [...inputArgs(segmentType === "fmp4" ? "mov" : "mpegts", { protocols: ["concatf", "file"] }), "-i", `concatf:${list}`];
}

/** The first timestamp of a rendition read through its list (ffprobe reads only its start). */
async function startOf(list: string, segmentType: PackagePlan["segmentType"]): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", ...renditionInput(list, segmentType), "-show_entries", "format=start_time", "-of", "csv=p=0"]);
  const start = Number(stdout.trim());
  return Number.isFinite(start) ? start : 0;
}

/** Writes `PROGRESSIVE_MP4` into a package folder; returns meta.json's `progressive` entry (null for a package without video). */
export async function writeProgressiveMp4(dir: string, plan: PackagePlan, options: { signal?: AbortSignal; niceness?: number } = {}): Promise<NonNullable<PackageMeta["progressive"]> | null> {
  const rung = plan.video ? progressiveRendition(plan.video.renditions) : undefined;
  if (!rung) return null;
  const lists = await mkdtemp(join(tmpdir(), "edgestream-progressive-"));
  try {
    const listOf = async (name: string) => {
      const folder = join(dir, name);
      const { init, segments } = await readMediaPlaylist(folder);
      const file = join(lists, `${name}.txt`);
      await writeFile(file, [...(init ? [init] : []), ...segments.map((s) => s.uri)].map((uri) => join(folder, uri)).join("\n") + "\n");
      return file;
    };
    const videoList = await listOf(rung.name);
    const audioList = plan.audio ? await listOf(audioRenditionName(0)) : null;
    const starts = await Promise.all([videoList, ...(audioList ? [audioList] : [])].map((list) => startOf(list, plan.segmentType)));
    const out = join(dir, PROGRESSIVE_MP4);
    await runFfmpeg(buildProgressiveArgs(videoList, audioList, out, plan.segmentType, Math.min(...starts)), {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.niceness ? { niceness: options.niceness } : {}),
    }).done;
    return { file: PROGRESSIVE_MP4, sizeBytes: (await stat(out)).size, rendition: rung.name };
  } finally {
    await rm(lists, { recursive: true, force: true });
  }
}
