#!/usr/bin/env -S npx tsx
// The operator's entry point: `npm run transcode -- <input> --out <dir> [--json] [--hwaccel …]
// [--segment-type fmp4|ts] [--segment-seconds N] [--ladder 1080,720,480,360] [--no-thumbnails] [--force]
// [--allow-playlist-input]`.
// Exit 0 with <dir>/master.m3u8, 1 with a one-line error on stderr, 2 for a usage error.
import { SingleBar } from "cli-progress";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { MediaInputError } from "./errors.ts";
import { HW_BACKENDS, type HwAccelPreference } from "./hw-backends.ts";
import { packageVod } from "./package-vod.ts";
import type { SegmentType } from "./plan.ts";

const USAGE =
  "usage: edgestream-transcode <input> --out <dir> [--json] [--hwaccel auto|nvenc|qsv|vaapi|videotoolbox|software]\n" +
  "       [--segment-type fmp4|ts] [--segment-seconds N] [--ladder 1080,720,480,360] [--no-thumbnails] [--force]\n" +
  "       [--allow-playlist-input]   (read a trusted HLS/DASH/concat playlist and the files it names)";
const HWACCELS: readonly string[] = ["auto", ...HW_BACKENDS, "software"];

function fail(message: string, code: number): never {
  process.stderr.write(`edgestream-transcode: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        json: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "segment-seconds": { type: "string" },
        "segment-type": { type: "string" },
        hwaccel: { type: "string" },
        ladder: { type: "string" },
        "no-thumbnails": { type: "boolean", default: false },
        "allow-playlist-input": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1 || !values.out) fail(`give one input file and --out <dir>\n${USAGE}`, 2);
  const segmentSeconds = values["segment-seconds"] === undefined ? undefined : Number(values["segment-seconds"]);
  if (segmentSeconds !== undefined && !(segmentSeconds >= 1 && segmentSeconds <= 30)) {
    fail("--segment-seconds must be a number from 1 to 30", 2);
  }
  const segmentType = values["segment-type"] ?? "fmp4";
  if (segmentType !== "fmp4" && segmentType !== "ts") fail("--segment-type must be fmp4 or ts", 2);
  const hwaccel = values.hwaccel ?? process.env["HWACCEL"] ?? "auto";
  if (!HWACCELS.includes(hwaccel)) fail(`--hwaccel must be one of ${HWACCELS.join(", ")}`, 2);
  const ladder = values.ladder?.split(",").map(Number);
  if (ladder && ladder.some((h) => !Number.isInteger(h) || h < 16 || h > 4320)) fail("--ladder must list rung heights such as 1080,720,480,360", 2);

  const json = values.json;
  const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const bar = !json && process.stderr.isTTY ? new SingleBar({ format: "packaging [{bar}] {percentage}% | {speed}x realtime | ETA {eta}s", stream: process.stderr, hideCursor: true }) : null;

  // `npm run` moves to the package root; paths are meant relative to where the operator stood.
  const here = process.env["INIT_CWD"] ?? process.cwd();
  const result = await packageVod({
    input: resolve(here, positionals[0]!),
    outDir: resolve(here, values.out),
    force: values.force,
    trustedInput: values["allow-playlist-input"],
    hwaccel: hwaccel as HwAccelPreference,
    segmentType: segmentType as SegmentType,
    ...(ladder ? { ladder } : {}),
    ...(values["no-thumbnails"] ? { thumbnails: false as const } : {}),
    ...(segmentSeconds ? { segmentSeconds } : {}),
    onWarning: (message) => {
      if (json) emit({ type: "warning", message });
      else process.stderr.write(`edgestream-transcode: warning: ${message}\n`);
    },
    onPlan: (plan, info) => {
      if (json) emit({ type: "plan", plan, durationSec: info.durationSec });
      bar?.start(100, 0, { speed: "0.0" });
    },
    onProgress: (p) => {
      const percent = Math.round((p.fraction ?? 0) * 100);
      if (json) emit({ type: "progress", fraction: p.fraction ?? null, outTimeSec: p.outTimeSec, speed: p.speed });
      bar?.update(percent, { speed: p.speed.toFixed(1) });
    },
  }).finally(() => bar?.stop());

  if (json) {
    emit({ type: "done", masterPlaylist: result.masterPlaylist, sha256: result.sha256, backend: result.backend, elapsedMs: result.elapsedMs });
  } else {
    const video = result.plan.video;
    const what = [
      video && `video ${video.renditions.map((r) => `${r.name} ${r.mode}`).join(", ")}${video.reason ? ` (${video.reason})` : ""}`,
      result.plan.audio && `${result.plan.audio.mode} audio${result.plan.audio.mode === "transcode" ? ` (${result.plan.audio.reason})` : ""}`,
      (result.plan.audioTracks?.length ?? 0) > 1 && `${result.plan.audioTracks!.length} audio renditions`,
      result.plan.subtitles?.length && `${result.plan.subtitles.length} subtitle track${result.plan.subtitles.length > 1 ? "s" : ""}`,
    ]
      .filter(Boolean)
      .join("; ");
    const via = result.meta.encoder ? ` with ${result.meta.encoder}` : "";
    process.stdout.write(`packaged ${positionals[0]} → ${result.masterPlaylist} [${what}]${via} in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  }
}

main().catch((error: Error) => {
  // The operator may see which file a message is about; the message itself names none (jobs show it to viewers).
  const source = error instanceof MediaInputError && error.source ? `: ${error.source}` : "";
  fail(`error: ${error.message.split("\n")[0]}${source}`, 1);
});
