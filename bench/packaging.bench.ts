// Copy-remux packaging of a 720p source: `packageVod` (probe + SHA-256 + ffmpeg + meta.json) against
// bare ffmpeg with exactly the same arguments. Our overhead is the ratio; realtime factors in the note.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildPackageArgs, generateTestPattern, packageVod, planPackage, probe } from "../transcode-node/src/index.ts";
import { median, type Bench, type BenchRow } from "./types.ts";

const run = promisify(execFile);
const SOURCE_SECONDS = Number(process.env["BENCH_SOURCE_SECONDS"] ?? 120);
const RUNS = 3;

export const packaging: Bench = {
  name: "packaging",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-"));
    try {
      const source = join(dir, "source.mp4");
      await generateTestPattern(source, { seconds: SOURCE_SECONDS, width: 1280, height: 720, fps: 30 });
      const plan = planPackage(await probe(source));
      const ours: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let started = performance.now();
        await packageVod({ input: source, outDir: join(dir, `ours-${i}`) });
        ours.push(performance.now() - started);

        const out = join(dir, `bare-${i}`);
        await mkdir(out);
        started = performance.now();
        await run("ffmpeg", buildPackageArgs(source, out, plan).filter((a) => a !== "pipe:1" && a !== "-progress"));
        bare.push(performance.now() - started);
      }
      const oursMs = median(ours);
      const bareMs = median(bare);
      const rt = (ms: number) => (SOURCE_SECONDS / (ms / 1000)).toFixed(0);
      return [
        {
          bench: "packaging",
          metric: `copy-remux ${SOURCE_SECONDS} s 720p source, wall time`,
          unit: "ms",
          ours: oursMs,
          baselineName: "bare ffmpeg, same args",
          baseline: bareMs,
          ratio: oursMs / bareMs,
          note: `realtime factor ${rt(oursMs)}x ours vs ${rt(bareMs)}x bare`,
        },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
