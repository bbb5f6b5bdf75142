// On-demand sessions against bare ffmpeg, in one run: time from POST /v1/sessions to the first
// segment's bytes, and from a far seek (a request for a segment at 80 %) to that segment's bytes,
// each against bare ffmpeg run with the same arguments until it has written that segment (the
// encoder's rows run with SESSION_COPY=false: their source is H.264, which would be copied). Then a
// copy-mode session of a 2-minute 1080p H.264 upload: POST → first segment, against bare ffmpeg
// remuxing with the same arguments until its first segment.
import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateTestPattern, planPackage, probe } from "../transcode-node/src/index.ts";
import { startNodeServer } from "../transcode-node/src/server.ts";
import { MEDIA_PLAYLIST, segmentName } from "@edgestream/contracts";
import { buildCopySessionArgs, buildSessionArgs } from "../transcode-node/src/sessions/session-args.ts";
import { segmentCount } from "../transcode-node/src/sessions/vod-playlist.ts";
import { median, type Bench, type BenchRow } from "./types.ts";
import { UPLOAD_SECONDS, uploadSource } from "./upload-sources.ts";

const SECONDS = Number(process.env["BENCH_SESSION_SECONDS"] ?? 600);
const RUNS = 3;
const SECRET = "b".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };

async function source(): Promise<string> {
  const path = join(tmpdir(), `edgestream-bench-session-${SECONDS}s-1280x720.mp4`);
  if (!(await access(path).then(() => true, () => false))) {
    process.stderr.write(`  generating ${path} (once)…\n`);
    await generateTestPattern(path, { seconds: SECONDS, width: 1280, height: 720, fps: 25, videoArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50"] });
  }
  return path;
}

/** Bare ffmpeg with the session's arguments, timed until segment `index` is written whole. */
export async function bareUntilSegment(args: string[], outDir: string, index: number): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  const child = spawn("ffmpeg", args.filter((a) => a !== "pipe:1" && a !== "-progress"), { stdio: "ignore" });
  const target = segmentName(index);
  try {
    for (;;) {
      if ((await readdir(outDir)).includes(target)) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`bare ffmpeg exited before writing ${target}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

export const sessions: Bench = {
  name: "sessions",
  async run(): Promise<BenchRow[]> {
    const input = await source();
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-sessions-"));
    const node = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "storage"), WORK_DIR: join(dir, "work"), SOURCE_DIR: dirname(input), HWACCEL: "software", SESSION_PROFILE: "720", SESSION_COPY: "false" });
    try {
      const info = await probe(input);
      const plan = planPackage(info, { ladder: [720] });
      const rung = plan.video!.renditions[0]!;
      const far = Math.floor(segmentCount(info.durationSec, 4) * 0.8);
      const encode = { input, segmentSeconds: 4, width: rung.width, height: rung.height, fps: plan.video!.fps, maxBitrateKbps: rung.maxBitrateKbps || 2800, hasAudio: plan.audio !== null };
      const oursFirst: number[] = [];
      const oursSeek: number[] = [];
      const bareFirst: number[] = [];
      const bareSeek: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Ours: a fresh session each run (a new lease on a released one would attach to warm work).
        let started = performance.now();
        const created = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: input }, lease: `bench-${i}` }) });
        const { id } = (await created.json()) as { id: string };
        const name = `${rung.name}`;
        const get = async (file: string) => {
          const response = await fetch(`${node.url}/v1/sessions/${id}/${name}/${file}?lease=bench-${i}`, { headers: AUTH });
          if (response.status !== 200) throw new Error(`${file}: HTTP ${response.status}`);
          await response.arrayBuffer();
        };
        await get(segmentName(0));
        oursFirst.push(performance.now() - started);
        started = performance.now();
        await get(segmentName(far));
        oursSeek.push(performance.now() - started);
        await fetch(`${node.url}/v1/sessions/${id}?lease=bench-${i}`, { method: "DELETE", headers: AUTH });

        const out = join(dir, `bare-${i}`);
        bareFirst.push(await bareUntilSegment(buildSessionArgs({ ...encode, outDir: join(out, "first"), startSegment: 0 }), join(out, "first"), 0));
        bareSeek.push(await bareUntilSegment(buildSessionArgs({ ...encode, outDir: join(out, "seek"), startSegment: far }), join(out, "seek"), far));
      }
      const note = `${SECONDS / 60} min 1280x720 source → 720p x264 veryfast, 4 s segments, median of ${RUNS}`;
      const copy = await copyFirstSegment(dir);
      return [
        copy,
        { bench: "sessions", metric: "POST /v1/sessions → first segment's bytes", unit: "ms", ours: median(oursFirst), baselineName: "bare ffmpeg, same args, until seg 0", baseline: median(bareFirst), ratio: median(oursFirst) / median(bareFirst), note },
        { bench: "sessions", metric: `far seek (segment ${far}, 80 %) → its bytes`, unit: "ms", ours: median(oursSeek), baselineName: `bare ffmpeg from segment ${far}`, baseline: median(bareSeek), ratio: median(oursSeek) / median(bareSeek), note },
      ];
    } finally {
      await node.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** A copy-mode session (SESSION_COPY, the default) of a browser-safe upload against a bare remux. */
async function copyFirstSegment(dir: string): Promise<BenchRow> {
  const input = await uploadSource("h264");
  const node = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "copy-storage"), WORK_DIR: join(dir, "copy-work"), SOURCE_DIR: dirname(input), HWACCEL: "software" });
  try {
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const created = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: input }, lease: `copy-${i}` }) });
      const { id } = (await created.json()) as { id: string };
      const master = await (await fetch(`${node.url}/v1/sessions/${id}/master.m3u8`, { headers: AUTH })).text();
      const rendition = master.split("\n").find((line) => line.endsWith(`/${MEDIA_PLAYLIST}`))!.replace(`/${MEDIA_PLAYLIST}`, "");
      const response = await fetch(`${node.url}/v1/sessions/${id}/${rendition}/${segmentName(0)}?lease=copy-${i}`, { headers: AUTH });
      if (response.status !== 200) throw new Error(`copy session segment 0: HTTP ${response.status}`);
      await response.arrayBuffer();
      ours.push(performance.now() - started);
      await fetch(`${node.url}/v1/sessions/${id}?lease=copy-${i}`, { method: "DELETE", headers: AUTH });
      const out = join(dir, `bare-copy-${i}`);
      const info = await probe(input);
      bare.push(await bareUntilSegment(buildCopySessionArgs({ input, outDir: out, segmentSeconds: 4, hasAudio: info.audio !== undefined, copyAudio: true }), out, 0));
    }
    return {
      bench: "sessions",
      metric: `copy-mode session, ${UPLOAD_SECONDS.h264 / 60} min 1080p H.264: POST → first segment's bytes`,
      unit: "ms",
      ours: median(ours),
      baselineName: "bare ffmpeg remux, same args, until seg 0",
      baseline: median(bare),
      ratio: median(ours) / median(bare),
      note: `median of ${RUNS}; ours adds probe and plan, and serves a copy's segments once the whole remux is done (its playlist needs the real cuts)`,
    };
  } finally {
    await node.close();
  }
}
