// Transcode node benchmarks, each against a baseline measured in the same run:
//  1. copy-remux of a 30-minute source: packageVod (probe, SHA-256 hashed beside ffmpeg at idle
//     priority, master from ffmpeg's playlists, meta.json) against bare ffmpeg with exactly the same
//     arguments — our overhead as a ratio (median of REMUX_RUNS, the two alternating);
//  2. a three-rung x264 ladder in one ffmpeg process (one decode, split) against three separate
//     ffmpeg runs, one per rung;
//  3. reading a 2-hour source's keyframes (what aligning encoded rungs to a copied top rung costs)
//     against copy-remuxing the same source, the cheapest packaging it could get.
// Sources are generated once (ultrafast, low resolution) and cached under the OS temp folder.
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildPackageArgs, cutPlan, generateTestPattern, packageVod, planPackage, probe, readKeyframes, type PackagePlan } from "../transcode-node/src/index.ts";
import { median, type Bench, type BenchRow } from "./types.ts";

const run = promisify(execFile);
const REMUX_SECONDS = Number(process.env["BENCH_REMUX_SECONDS"] ?? 1800);
const LADDER_SECONDS = Number(process.env["BENCH_LADDER_SECONDS"] ?? 120);
const REMUX_RUNS = Number(process.env["BENCH_REMUX_RUNS"] ?? 3);
/** The keyframe-read source is the remux source looped this many times (4 × 30 min = 2 hours). */
const KEYFRAME_LOOPS = Number(process.env["BENCH_KEYFRAME_LOOPS"] ?? 4);

async function cachedSource(name: string, seconds: number, width: number, height: number): Promise<string> {
  const path = join(tmpdir(), `edgestream-bench-${name}-${seconds}s-${width}x${height}.mp4`);
  const exists = await access(path).then(() => true, () => false);
  if (!exists) {
    process.stderr.write(`  generating ${path} (once)…\n`);
    await generateTestPattern(path, {
      seconds, width, height, fps: 25,
      videoArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0"],
    });
  }
  return path;
}

/** The remux source looped `loops` times, stream-copied (seconds to make, not an encode). */
async function cachedLoopedSource(source: string, seconds: number, loops: number): Promise<string> {
  const path = join(tmpdir(), `edgestream-bench-keyframes-${seconds * loops}s-320x180.mp4`);
  if (await access(path).then(() => true, () => false)) return path;
  process.stderr.write(`  generating ${path} (once)…\n`);
  const temp = `${path}.partial.mp4`;
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", String(loops - 1), "-i", source, "-c", "copy", temp]).catch(async (error) => {
    await rm(temp, { force: true });
    throw error;
  });
  await rename(temp, path);
  return path;
}

const bare = (args: string[]) => run("ffmpeg", args.filter((a) => a !== "pipe:1" && a !== "-progress"), { maxBuffer: 16 * 1024 * 1024 });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

export const transcode: Bench = {
  name: "transcode",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-"));
    try {
      const rows: BenchRow[] = [];
      const rt = (seconds: number, ms: number) => `${(seconds / (ms / 1000)).toFixed(0)}x`;

      // 1. Copy-remux, ours vs bare ffmpeg, alternating so neither always meets a warmer page cache.
      const long = await cachedSource("remux", REMUX_SECONDS, 320, 180);
      const longPlan = planPackage(await probe(long));
      const oursRuns: number[] = [];
      const bareRuns: number[] = [];
      for (let i = 0; i < REMUX_RUNS; i++) {
        oursRuns.push(await timed(() => packageVod({ input: long, outDir: join(dir, `ours-${i}`), thumbnails: false, hwaccel: "software" })));
        await mkdir(join(dir, `bare-${i}`));
        bareRuns.push(await timed(() => bare(buildPackageArgs(long, join(dir, `bare-${i}`), longPlan))));
        await Promise.all([rm(join(dir, `ours-${i}`), { recursive: true }), rm(join(dir, `bare-${i}`), { recursive: true })]);
      }
      const oursMs = median(oursRuns);
      const bareMs = median(bareRuns);
      rows.push({
        bench: "transcode",
        metric: `copy-remux ${REMUX_SECONDS / 60} min 320x180 source, wall time`,
        unit: "ms",
        ours: oursMs,
        baselineName: "bare ffmpeg, same args",
        baseline: bareMs,
        ratio: oursMs / bareMs,
        note: `median of ${REMUX_RUNS}; realtime ${rt(REMUX_SECONDS, oursMs)} ours vs ${rt(REMUX_SECONDS, bareMs)} bare (ours adds probe, an idle-priority SHA-256 beside ffmpeg, master from ffmpeg's playlists, meta.json)`,
      });

      // 2. Three-rung ladder: one process with split vs one process per rung (same x264 settings).
      const mid = await cachedSource("ladder", LADDER_SECONDS, 640, 360);
      const info = await probe(mid);
      const plan: PackagePlan = { ...planPackage({ ...info, video: { ...info.video!, codec: "hevc" } }, { ladder: [360, 240, 180] }), audio: null };
      await mkdir(join(dir, "one"));
      const oneMs = await timed(() => bare(buildPackageArgs(mid, join(dir, "one"), plan)));
      const threeMs = await timed(async () => {
        for (const rung of plan.video!.renditions) {
          const out = join(dir, `three-${rung.name}`);
          await mkdir(out);
          await bare(buildPackageArgs(mid, out, { ...plan, video: { ...plan.video!, renditions: [rung] } }));
        }
      });
      rows.push({
        bench: "transcode",
        metric: `x264 ladder 360/240/180 of a ${LADDER_SECONDS} s 640x360 source`,
        unit: "ms",
        ours: oneMs,
        baselineName: "3 separate ffmpeg runs",
        baseline: threeMs,
        ratio: oneMs / threeMs,
        note: `realtime ${rt(LADDER_SECONDS, oneMs)} one process vs ${rt(LADDER_SECONDS, threeMs)} three runs`,
      });

      // 3. The keyframe read that aligns rungs, against the copy-remux of the same long source.
      const looped = await cachedLoopedSource(long, REMUX_SECONDS, KEYFRAME_LOOPS);
      const loopedInfo = await probe(looped);
      let keyframes = 0;
      let cuts = 0;
      const readMs = await timed(async () => {
        const ticks = await readKeyframes(looped);
        keyframes = ticks.keyframes.length;
        cuts = cutPlan(ticks, 4, loopedInfo.durationSec).cuts.length;
      });
      await mkdir(join(dir, "looped"));
      const remuxMs = await timed(() => bare(buildPackageArgs(looped, join(dir, "looped"), planPackage(loopedInfo))));
      rows.push({
        bench: "transcode",
        metric: `keyframe read of a ${(loopedInfo.durationSec / 3600).toFixed(1)} h 320x180 source`,
        unit: "ms",
        ours: readMs,
        baselineName: "copy-remux of the same source",
        baseline: remuxMs,
        ratio: readMs / remuxMs,
        note: `${keyframes} keyframes, ${cuts} cuts at 4 s; one ffprobe packet pass (demux, no decode)`,
      });
      return rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
