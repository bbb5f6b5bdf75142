// Session churn against a real node, in one run: N on-demand sessions each started, played (first
// segment), seeked far (a segment from a restarted encoder) and stopped (the lease released), one
// after another; then the ffmpeg processes still working in the node's folder (orphans) and what is
// left in its work folder, both before the node is closed (goal 0 and 0). Baseline: bare ffmpeg
// doing the same two encodes per cycle with the same arguments, killed once each segment is out.
// Stored segments are removed after each cycle so that every cycle encodes (the worst case).
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTestPattern, planPackage, probe } from "../transcode-node/src/index.ts";
import { startNodeServer } from "../transcode-node/src/server.ts";
import { segmentName } from "@edgestream/contracts";
import { buildSessionArgs } from "../transcode-node/src/sessions/session-args.ts";
import { bareUntilSegment } from "./sessions.bench.ts";
import type { Bench, BenchRow } from "./types.ts";

const CYCLES = Number(process.env["BENCH_CHURN_CYCLES"] ?? 500);
const SECRET = "c".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
const PROFILE = 144;

/** ffmpeg processes on this machine whose command line names `folder`. */
async function ffmpegIn(folder: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.startsWith("ffmpeg") && cmdline.includes(folder)) pids.push(Number(pid));
  }
  return pids;
}

export const churn: Bench = {
  name: "churn",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-churn-"));
    const work = join(dir, "work");
    const storage = join(dir, "storage");
    const node = await startNodeServer({ NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: storage, WORK_DIR: work, HWACCEL: "software", SESSION_PROFILE: String(PROFILE) });
    try {
      const input = join(dir, "source.mp4");
      await generateTestPattern(input, { seconds: 60, width: 160, height: 90, fps: 25 });
      let rendition = "";
      let failures = 0;
      let firstFailure: string | undefined;
      const check = (what: string, response: Response) => {
        if (response.ok) return;
        failures++;
        firstFailure ??= `${what}: HTTP ${response.status}`;
      };
      process.stderr.write(`  ${CYCLES} session start/seek/stop cycles…\n`);
      const started = performance.now();
      for (let i = 0; i < CYCLES; i++) {
        const lease = `churn-${i}`;
        const created = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: input }, lease }) });
        check("start", created);
        const { id, segments } = (await created.json()) as { id: string; segments: number };
        if (!rendition) {
          const master = await (await fetch(`${node.url}/v1/sessions/${id}/master.m3u8`, { headers: AUTH })).text();
          rendition = master.split("\n").find((l) => l.endsWith("/index.m3u8"))!.replace("/index.m3u8", "");
        }
        const get = async (index: number) => {
          const response = await fetch(`${node.url}/v1/sessions/${id}/${rendition}/${segmentName(index)}?lease=${lease}`, { headers: AUTH });
          await response.arrayBuffer();
          check(`segment ${index}`, response);
        };
        await get(0);
        await get(Math.floor(segments / 2) + (i % Math.ceil(segments / 3))); // a far seek: a restarted encoder
        check("stop", await fetch(`${node.url}/v1/sessions/${id}?lease=${lease}`, { method: "DELETE", headers: AUTH }));
        await rm(storage, { recursive: true, force: true });
        if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1} cycles, ${failures} failed requests\n`);
      }
      const oursSeconds = (performance.now() - started) / 1000;
      const orphans = await ffmpegIn(work);
      const leftovers = await readdir(work).catch(() => [] as string[]);

      // Baseline: bare ffmpeg, the same two encodes a cycle, a tenth of the cycles (it only runs ffmpeg).
      const info = await probe(input);
      const plan = planPackage(info, { ladder: [PROFILE] });
      const rung = plan.video!.renditions[0]!;
      const encode = { input, segmentSeconds: 4, width: rung.width, height: rung.height, fps: plan.video!.fps, maxBitrateKbps: rung.maxBitrateKbps || 400, hasAudio: plan.audio !== null };
      const bareCycles = Math.max(1, Math.ceil(CYCLES / 10));
      const segments = Math.ceil(info.durationSec / 4);
      const bareStarted = performance.now();
      for (let i = 0; i < bareCycles; i++) {
        const out = join(dir, `bare-${i}`);
        await bareUntilSegment(buildSessionArgs({ ...encode, outDir: join(out, "first"), startSegment: 0 }), join(out, "first"), 0);
        const far = Math.floor(segments / 2) + (i % Math.ceil(segments / 3));
        await bareUntilSegment(buildSessionArgs({ ...encode, outDir: join(out, "seek"), startSegment: far }), join(out, "seek"), far);
        await rm(out, { recursive: true, force: true });
      }
      const bareRate = bareCycles / ((performance.now() - bareStarted) / 1000);

      const oursRate = CYCLES / oursSeconds;
      const note = `${CYCLES} cycles (bare: ${bareCycles}) of start → segment 0 → far segment → stop, 60 s 160x90 source → session rendition ${rendition}; failed requests ${failures}${firstFailure ? ` (first: ${firstFailure})` : ""}`;
      return [
        { bench: "churn", metric: "session start/seek/stop cycles/s", unit: "cycles/s", ours: oursRate, baselineName: "bare ffmpeg, same two encodes", baseline: bareRate, ratio: oursRate / bareRate, note },
        { bench: "churn", metric: "orphan ffmpeg processes after (goal 0)", unit: "processes", ours: orphans.length, baselineName: "none", baseline: 0, ratio: Number.NaN, note: orphans.length ? `pids ${orphans.join(", ")}` : "" },
        { bench: "churn", metric: "leftover work folders after (goal 0)", unit: "folders", ours: leftovers.length, baselineName: "none", baseline: 0, ratio: Number.NaN, note: leftovers.slice(0, 5).join(", ") },
      ];
    } finally {
      await node.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
