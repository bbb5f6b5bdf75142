// The fleet's cost, against a node packaging directly, same sources, same box, same run:
//  1. claim-to-start: upload stored → the job's row is running on a node (the node pulls every
//     FLEET_CLAIM_INTERVAL_MS) vs POST /v1/jobs → the node's answer (it starts at once);
//  2. per job: upload stored → video ready through the fleet (claim, lease renewals, result under
//     the lease) vs POST /v1/jobs → GET says succeeded. Both nodes read the source from storage.
// Worker and nodes run in this process with their own storage folders (no deduplication between them).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { generateTestPattern } from "../transcode-node/src/index.ts";
import { startNodeServer } from "../transcode-node/src/server.ts";
import { startNodeWorker } from "../worker/src/runtime/node.ts";
import { jobs, videos } from "../worker/src/db/schema.ts";
import { TEST_REGISTRATION_SECRET } from "../worker/src/testing/fleet-node.ts";
import { TEST_SECRETS } from "../tests/helpers/stack.ts";
import { median, type Bench, type BenchRow } from "./types.ts";

const RUNS = Number(process.env["BENCH_FLEET_RUNS"] ?? 3);
const CLAIM_INTERVAL_MS = 200;
const NODE_SECRET = "n".repeat(40);

async function poll<T>(probe: () => Promise<T | undefined>, everyMs = 5): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const fleet: Bench = {
  name: "fleet",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), "edgestream-bench-fleet-"));
    const closers: (() => Promise<void>)[] = [];
    try {
      const sources: Uint8Array[] = [];
      for (let i = 0; i < RUNS; i++) {
        const path = join(dir, `source-${i}.mp4`);
        await generateTestPattern(path, { seconds: 10 + i, width: 320, height: 180, fps: 25 });
        sources.push(await readFile(path));
      }
      const worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: join(dir, "fleet"), PORT: "0", NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET, ON_DEMAND_SESSIONS: "0" });
      closers.push(() => worker.close());
      const pulled = await startNodeServer({
        NODE_SECRET, PORT: "0", STORAGE_DIR: join(dir, "fleet", "storage"), WORK_DIR: join(dir, "work-fleet"), HWACCEL: "software",
        WORKER_URL: worker.url, NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET, NODE_NAME: "bench", FLEET_CLAIM_INTERVAL_MS: String(CLAIM_INTERVAL_MS),
      });
      closers.unshift(() => pulled.close());
      const direct = await startNodeServer({ NODE_SECRET, PORT: "0", STORAGE_DIR: join(dir, "direct"), WORK_DIR: join(dir, "work-direct"), HWACCEL: "software" });
      closers.unshift(() => direct.close());
      await poll(async () => (pulled.fleet?.id ? true : undefined), 20);
      const { token } = (await (await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).json()) as { token: string };

      const fleetStart: number[] = [];
      const fleetJob: number[] = [];
      const directStart: number[] = [];
      const directJob: number[] = [];
      for (const [i, bytes] of sources.entries()) {
        // Fleet: the upload lands, its job row is queued; the node claims and runs it.
        const uploaded = await fetch(`${worker.url}/api/videos?title=bench`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "video/mp4" }, body: bytes as Uint8Array<ArrayBuffer> });
        const t0 = performance.now();
        const { id } = (await uploaded.json()) as { id: string };
        const db = worker.deps.db;
        await poll(async () => ((await db.select().from(jobs).where(eq(jobs.videoId, id)))[0]?.status === "running" ? true : undefined));
        fleetStart.push(performance.now() - t0);
        await poll(async () => ((await db.select().from(videos).where(eq(videos.id, id)))[0]?.status === "ready" ? true : undefined), 10);
        fleetJob.push(performance.now() - t0);

        // Direct: the same source in the direct node's storage, one POST.
        const key = `uploads/bench-${i}/source`;
        await createFsStorage(join(dir, "direct")).put(key, bytes);
        const d0 = performance.now();
        const created = await fetch(`${direct.url}/v1/jobs`, { method: "POST", headers: { Authorization: `Bearer ${NODE_SECRET}`, "Content-Type": "application/json" }, body: JSON.stringify({ source: { storageKey: key } }) });
        const job = (await created.json()) as { id: string };
        directStart.push(performance.now() - d0);
        await poll(async () => {
          const state = (await (await fetch(`${direct.url}/v1/jobs/${job.id}`, { headers: { Authorization: `Bearer ${NODE_SECRET}` } })).json()) as { status: string };
          return state.status === "succeeded" ? true : undefined;
        }, 10);
        directJob.push(performance.now() - d0);
      }
      const row = (metric: string, ours: number[], baselineName: string, baseline: number[], note: string): BenchRow => ({
        bench: "fleet", metric, unit: "ms", ours: median(ours), baselineName, baseline: median(baseline), ratio: median(ours) / median(baseline), note,
      });
      return [
        row("claim-to-start (upload stored → job running)", fleetStart, "POST /v1/jobs to one node", directStart, `median of ${RUNS}; nodes poll every ${CLAIM_INTERVAL_MS} ms when idle (FLEET_CLAIM_INTERVAL_MS)`),
        row("per job, 10-12 s 320x180 H.264 source (copy)", fleetJob, "same node, POST /v1/jobs + polling", directJob, `median of ${RUNS}; the difference is the fleet's overhead per job`),
      ];
    } finally {
      for (const close of closers) await close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
