// VOD packaging of one source: probe → plan → one ffmpeg run into a temporary folder beside the
// output → meta.json → rename into place. A failure leaves the output folder as it was.
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { MediaInputError } from "./errors.ts";
import { buildPackageArgs, MASTER_PLAYLIST } from "./ffmpeg-args.ts";
import { runFfmpeg, type FfmpegProgress } from "./ffmpeg-process.ts";
import { sha256File } from "./hash.ts";
import type { MediaInfo } from "./media-info.ts";
import { planPackage, type PackagePlan, type PlanOptions } from "./plan.ts";
import { probe } from "./probe.ts";

export interface PackageOptions extends PlanOptions {
  input: string;
  outDir: string;
  /** Replace an existing package in outDir. Without it, a non-empty outDir is an error. */
  force?: boolean;
  onProgress?: (progress: FfmpegProgress) => void;
  /** Called once the plan is known, before encoding starts. */
  onPlan?: (plan: PackagePlan, info: MediaInfo) => void;
}

export interface PackageResult {
  outDir: string;
  masterPlaylist: string;
  sha256: string;
  info: MediaInfo;
  plan: PackagePlan;
  elapsedMs: number;
}

export async function packageVod(options: PackageOptions): Promise<PackageResult> {
  const started = Date.now();
  const input = resolve(options.input);
  const outDir = resolve(options.outDir);
  await assertOutputUsable(outDir, options.force ?? false);

  const info = await probe(input);
  const plan = planPackage(info, options);
  options.onPlan?.(plan, info);
  const sha256 = await sha256File(input);

  const work = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(work, { recursive: true });
  try {
    const run = runFfmpeg(buildPackageArgs(input, work, plan), {
      durationSec: info.durationSec,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await run.done;
    const meta = { version: 1, sha256, source: { name: basename(input), ...info }, plan, createdAt: new Date().toISOString() };
    await writeFile(join(work, "meta.json"), JSON.stringify(meta, null, 2));
    await rm(outDir, { recursive: true, force: true });
    await rename(work, outDir);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  return { outDir, masterPlaylist: join(outDir, MASTER_PLAYLIST), sha256, info, plan, elapsedMs: Date.now() - started };
}

async function assertOutputUsable(outDir: string, force: boolean): Promise<void> {
  const info = await stat(outDir).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new MediaInputError(`output ${outDir} exists and is not a folder`);
  const entries = await readdir(outDir);
  if (entries.length === 0) return;
  if (!force) throw new MediaInputError(`output folder ${outDir} is not empty: choose a new folder or pass --force to replace it`);
  if (!entries.includes(MASTER_PLAYLIST)) {
    throw new MediaInputError(`output folder ${outDir} holds something other than a package: refusing to replace it`);
  }
}
