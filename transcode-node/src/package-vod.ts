// VOD packaging of one source: probe → plan → pick an encoder → one ffmpeg run (rerun in software
// when a hardware encode fails) → our own master playlist → thumbnails → meta.json.
// `packageInto` fills a work folder; `packageVod` (CLI, demo) puts it in place by rename, so a
// failure leaves the output folder as it was. publish.ts uploads a work folder to storage.
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CancelledError, FfmpegError, MediaInputError } from "./errors.ts";
import { MASTER_PLAYLIST, META_FILE, PACKAGE_META_VERSION, THUMBNAIL_DIR, type PackageMeta } from "@edgestream/contracts";
import { audioTracksOf } from "./audio-tracks.ts";
import { writeDashManifest } from "./dash/write-manifest.ts";
import { buildPackageArgs } from "./ffmpeg-args.ts";
import { runFfmpeg, type FfmpegProgress, type FfmpegRun } from "./ffmpeg-process.ts";
import { sha256FileIdle } from "./hash.ts";
import { ENCODER_OF, type Backend, type HwAccelPreference } from "./hw-backends.ts";
import { HardwareRegistry } from "./hw-registry.ts";
import { demuxerFor } from "./input-policy.ts";
import { buildMasterPlaylist, measureRendition, type MeasuredRendition } from "./master-playlist.ts";
import type { MediaInfo } from "./media-info.ts";
import type { PackagePlan, PlanOptions } from "./plan.ts";
import { probe } from "./probe.ts";
import { planAlignedPackage } from "./rung-alignment.ts";
import { finishSubtitles, firstTimestamp90k } from "./subtitles/subtitle-renditions.ts";
import { writeProgressiveMp4 } from "./progressive-mp4.ts";
import { makeThumbnails, type ThumbnailOptions, type ThumbnailResult } from "./thumbnails.ts";

export interface PackageCoreOptions extends PlanOptions {
  input: string;
  /** HWACCEL: default "auto" (the first hardware encoder that works, else software). */
  hwaccel?: HwAccelPreference;
  /** Shared across jobs in the service so detection and health are remembered; one per call otherwise. */
  hardware?: HardwareRegistry;
  /** false skips poster, sprites and the WebVTT track. */
  thumbnails?: ThumbnailOptions | false;
  /** Known content hash, or one being computed (publish.ts shares it with its dedupe check). Without
   *  it the source is hashed at idle priority while it is packaged: encoding never waits for a hash. */
  sha256?: string | Promise<string>;
  probeTimeoutMs?: number;
  /** The operator's own playlist (CLI --allow-playlist-input); never set for strangers' uploads. */
  trustedInput?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: FfmpegProgress) => void;
  /** CPU niceness of the packaging ffmpeg (the service's JOB_NICE), so the node's on-demand session
   *  encoders, which viewers wait on, get the cores first; unset: this process's own priority. */
  niceness?: number;
  /** Called with the packaging ffmpeg run once it started; the returned function when it ended (the
   *  service pauses the run while a viewer waits on one of its sessions). */
  onEncoder?: (run: FfmpegRun) => () => void;
  /** Called once the plan is known, before encoding starts. */
  onPlan?: (plan: PackagePlan, info: MediaInfo) => void;
  /** Hardware fallbacks and other things an operator should know but that do not fail the job. */
  onWarning?: (message: string) => void;
}

export interface PackageOptions extends PackageCoreOptions {
  outDir: string;
  /** Replace an existing package in outDir. Without it, a non-empty outDir is an error. */
  force?: boolean;
}

export interface PackageResult {
  outDir: string;
  masterPlaylist: string;
  sha256: string;
  info: MediaInfo;
  plan: PackagePlan;
  backend: Backend;
  warnings: string[];
  meta: PackageMeta;
  elapsedMs: number;
}

/** Packages into `workDir` (created, expected empty). Writes meta.json and master.m3u8 last. */
export async function packageInto(workDir: string, options: PackageCoreOptions): Promise<Omit<PackageResult, "outDir" | "masterPlaylist">> {
  const started = Date.now();
  const input = resolve(options.input);
  // Hashing starts first and runs beside probe and ffmpeg (a child at idle priority reading the file
  // itself: never a pipe into ffmpeg, which cannot read an MP4 whose moov is at the end from one).
  const stopHashing = new AbortController();
  const hashing = Promise.resolve(options.sha256 ?? sha256FileIdle(input, { signal: options.signal ? AbortSignal.any([options.signal, stopHashing.signal]) : stopHashing.signal }));
  hashing.catch(() => {}); // awaited below; a failure before then must not go unhandled
  try {
    return await packageWhileHashing(workDir, options, input, hashing, started);
  } finally {
    stopHashing.abort(); // a failed job leaves no hashing child behind
  }
}

async function packageWhileHashing(workDir: string, options: PackageCoreOptions, input: string, hashing: Promise<string>, started: number): Promise<Omit<PackageResult, "outDir" | "masterPlaylist">> {
  const trusted = options.trustedInput ?? false;
  const info = await probe(input, { trusted, ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}) });
  const plan = await planAlignedPackage(input, info, options, { trusted, format: demuxerFor(info.formatName, trusted), ...(options.signal ? { signal: options.signal } : {}) });
  options.onPlan?.(plan, info);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  plan.skipped?.forEach(warn);

  await mkdir(workDir, { recursive: true });
  const hardware = options.hardware ?? new HardwareRegistry();
  const encodedRungs = plan.video?.renditions.filter((r) => r.mode === "transcode").length ?? 0;
  const choice = encodedRungs > 0 ? await hardware.choose(options.hwaccel ?? "auto") : { backend: "software" as const };
  if (choice.warning) warn(choice.warning);

  const encode = async (backend: Backend) => {
    const release = await hardware.acquire(backend, encodedRungs);
    try {
      // ffmpeg makes the hls muxer's %v folders, not those of the WebVTT outputs.
      await Promise.all((plan.subtitles ?? []).map((s) => mkdir(join(workDir, s.name), { recursive: true })));
      const source = { codec: info.video?.codec ?? "none", chroma: info.video?.chroma ?? "unknown", format: demuxerFor(info.formatName, trusted), trusted };
      const run = runFfmpeg(buildPackageArgs(input, workDir, plan, { backend }, source), {
        durationSec: info.durationSec,
        ...(options.niceness ? { niceness: options.niceness } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const detach = options.onEncoder?.(run);
      try {
        await run.done;
      } finally {
        detach?.();
      }
    } finally {
      release();
    }
  };

  let backend: Backend = choice.backend;
  try {
    await encode(backend);
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    if (backend === "software" || !(error instanceof FfmpegError)) throw error;
    // The device failed mid-job (driver, memory, session limit): bench it and redo the job on the CPU.
    hardware.markUnhealthy(backend, error.message);
    warn(`${ENCODER_OF[backend]} failed (${error.message}); re-encoded in software`);
    await clearRenditions(workDir, plan);
    backend = "software";
    await encode(backend);
  }
  if (options.signal?.aborted) throw new CancelledError();

  const audioTracks = audioTracksOf(plan);
  const names = [...(plan.video?.renditions ?? []).map((r) => ({ name: r.name, kind: "video" as const })), ...audioTracks.map((t) => ({ name: t.name, kind: "audio" as const }))];
  const measured = await Promise.all(names.map((n) => measureRendition(workDir, n.name, n.kind, plan, info)));
  // Cues are placed against the first timestamp of the main rendition, which players take as zero:
  // the package's own subtitles here, a video's sidecar subtitles in the worker (meta.json carries it).
  const mpegts = names[0] ? await firstTimestamp90k(join(workDir, names[0].name)) : 0;
  if (plan.subtitles?.length) measured.push(...(await finishSubtitles(workDir, plan.subtitles, info.durationSec, mpegts)));
  const progressive = await writeProgressiveMp4(workDir, plan, { ...(options.signal ? { signal: options.signal } : {}), ...(options.niceness ? { niceness: options.niceness } : {}) });
  const thumbnails: ThumbnailResult | null = options.thumbnails === false ? null : await makeThumbnails(workDir, plan, info.durationSec, options.thumbnails ?? {});
  const sha256 = await hashing;
  const renditions = measured.map((m) => ({ ...m, mode: renditionMode(plan, m.name) }));
  // The same segments described for DASH players (fMP4 packages only).
  const dash = await writeDashManifest(workDir, renditions, plan.segmentType);

  const meta: PackageMeta = {
    version: PACKAGE_META_VERSION,
    sha256,
    createdAt: new Date().toISOString(),
    master: MASTER_PLAYLIST,
    // Every playlist names its files by relative paths (ffmpeg's segment names, our master): a
    // token in the URL path reaches every file, and the worker serves the playlists as stored.
    relativeUris: true,
    origin: "job",
    source: { name: basename(input), ...info },
    segmentSeconds: plan.segmentSeconds,
    segmentType: plan.segmentType,
    firstTimestamp90k: mpegts,
    backend,
    encoder: encodedRungs > 0 ? ENCODER_OF[backend] : null,
    warnings,
    renditions,
    dash,
    progressive,
    thumbnails: thumbnails ? { poster: thumbnails.poster, track: thumbnails.track, ...thumbnails.layout, sprites: thumbnails.layout.sprites.map((s) => `${THUMBNAIL_DIR}/${s}`) } : null,
  };
  await writeFile(join(workDir, META_FILE), JSON.stringify(meta, null, 2));
  await writeFile(join(workDir, MASTER_PLAYLIST), buildMasterPlaylist(measured, plan.segmentType));
  options.onProgress?.({ outTimeSec: info.durationSec, speed: 0, fraction: 1 });
  return { sha256, info, plan, backend, warnings, meta, elapsedMs: Date.now() - started };
}

/** Whether a rendition's media was copied from the source or made by an encoder. */
function renditionMode(plan: PackagePlan, name: string): "copy" | "transcode" {
  const rung = plan.video?.renditions.find((r) => r.name === name);
  if (rung) return rung.mode;
  const subtitle = plan.subtitles?.find((s) => s.name === name);
  if (subtitle) return subtitle.codec === "webvtt" ? "copy" : "transcode";
  return audioTracksOf(plan).find((t) => t.name === name)?.encode.mode ?? "copy";
}

async function clearRenditions(workDir: string, plan: PackagePlan): Promise<void> {
  const names = [...(plan.video?.renditions.map((r) => r.name) ?? []), ...audioTracksOf(plan).map((t) => t.name), ...(plan.subtitles ?? []).map((s) => s.name)];
  await Promise.all(names.map((name) => rm(join(workDir, name), { recursive: true, force: true })));
}

export async function packageVod(options: PackageOptions): Promise<PackageResult> {
  const outDir = resolve(options.outDir);
  await assertOutputUsable(outDir, options.force ?? false);
  const work = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}-${Date.now()}`);
  try {
    const result = await packageInto(work, options);
    await rm(outDir, { recursive: true, force: true });
    await rename(work, outDir);
    return { ...result, outDir, masterPlaylist: join(outDir, MASTER_PLAYLIST) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
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
