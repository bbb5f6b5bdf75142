// A transcode goes to the node with a hardware encoder. The "GPU" node here is a declared fake: this
// machine has no GPU, so its registry's one-frame test encode says NVENC works (it still encodes in
// software, HWACCEL=software); the other node detects its encoders for real (none work here). The
// software node claims first, probes, finds a transcode, and hands it back; the GPU node runs it.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern, HardwareRegistry } from "@edgestream/transcode-node";
import { schema } from "@edgestream/worker";
import { startNodeServer, type RunningNode } from "../../transcode-node/src/server.ts";
import { until } from "../helpers/processes.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { fleetNodeEnv, fleetUntil, startFleet, type FleetStack } from "./fleet-stack.ts";

let dataDir: string;
let stack: FleetStack;
const nodes: RunningNode[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("fleet-hw");
  stack = await startFleet(dataDir);
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const nodeEnv = (name: string, claimIntervalMs: number) => ({ ...fleetNodeEnv(dataDir, stack.worker.url, name), LADDER: "180", FLEET_CLAIM_INTERVAL_MS: String(claimIntervalMs) });

describe("the hardware preference", () => {
  it("hands a transcode found by a software node back to a free hardware node, without counting an attempt", async () => {
    // Declared fake GPU; it claims only when the test says (poll), so the software node surely claims first.
    const gpu = await startNodeServer(nodeEnv("gpu", 600_000), { hardware: new HardwareRegistry({ testEncode: async (backend) => ({ ok: backend === "nvenc", detail: "declared by the test: no GPU here" }) }) });
    nodes.push(gpu);
    await fleetUntil(stack, (list) => (list.find((n) => n.name === "gpu")?.hardware ? true : undefined), "the GPU node to register with hardware", 60_000);
    const cpu = await startNodeServer(nodeEnv("cpu", 200));
    nodes.push(cpu);
    await fleetUntil(stack, (list) => (list.some((n) => n.name === "cpu") ? true : undefined), "the software node to register", 60_000);

    const source = join(dataDir, "mpeg4.mkv");
    await generateTestPattern(source, { seconds: 6, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
    const videoId = await stack.upload(await readFile(source), "needs a transcode");
    const jobOf = async () => (await stack.worker.deps.db.select().from(schema.jobs).where(eq(schema.jobs.videoId, videoId)))[0];

    // Handed back by the software node: queued, known to need a transcode, the attempt not counted.
    const handedBack = await until(async () => {
      const job = await jobOf();
      return job?.status === "queued" && job.needsTranscode === true ? job : undefined;
    }, "the software node to hand the transcode back", 120_000);
    expect(handedBack.attempts).toBe(0);
    // The software node keeps asking, and gets nothing while the GPU node has a free slot.
    await cpu.fleet!.poll();
    expect(await jobOf()).toMatchObject({ status: "queued", nodeId: null });

    await gpu.fleet!.poll();
    await until(async () => ((await stack.stream(videoId)).status !== 202 ? true : undefined), "the video to settle", 180_000, 250);
    expect(await stack.stream(videoId)).toMatchObject({ status: 200, body: { status: "ready" } });
    expect(await jobOf()).toMatchObject({ status: "succeeded", nodeId: gpu.fleet!.id, needsTranscode: true, attempts: 1 });
  });
});
