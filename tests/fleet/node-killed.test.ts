// Three real transcode nodes pull jobs from one worker over loopback and share its storage folder.
// A node SIGKILLed mid-encode: its lease lapses and another node packages the video; the dead node
// reads `lost`. Then a drained node (SIGUSR2) finishes its job and takes no new one, and a stopped
// node (SIGTERM) hands its job back at once. Every wait is on a state (lists, rows, output), never a clock.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { schema } from "@edgestream/worker";
import { MASTER_PLAYLIST } from "@edgestream/contracts";
import { groupMembers } from "../faults/child-process.ts";
import { until } from "../helpers/processes.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { fleetUntil, startFleet, type FleetStack } from "./fleet-stack.ts";

let dataDir: string;
let stack: FleetStack;
const clips: Uint8Array[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("fleet");
  // MPEG-4 Part 2 sources, each a little longer than the last (distinct content, no deduplication):
  // every one needs a transcode, which keeps a node busy long enough to be killed or drained mid-job.
  for (let i = 0; i < 6; i++) {
    const path = join(dataDir, `clip-${i}.mkv`);
    await generateTestPattern(path, { seconds: 24 + i, width: 640, height: 360, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"], audioArgs: ["-c:a", "libopus", "-b:a", "48k"] });
    clips.push(await readFile(path));
  }
  stack = await startFleet(dataDir);
  await Promise.all(["n1", "n2", "n3"].map((name) => stack.startNode(name)));
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const jobOf = async (videoId: string) => (await stack.worker.deps.db.select().from(schema.jobs).where(eq(schema.jobs.videoId, videoId)))[0]!;
const nameOf = async (nodeId: string | null) => (await stack.nodesView()).find((n) => n.id === nodeId)?.name;
const readyOrFailed = (id: string) => until(async () => ((await stack.stream(id)).status !== 202 ? stack.stream(id) : undefined), `video ${id} to settle`, 280_000, 250);

describe("a fleet of three transcode nodes", () => {
  it("spreads uploads over the nodes; a node SIGKILLed mid-encode is lost and its video becomes ready on another node, packaged once", async () => {
    const ids = [await stack.upload(clips[0]!, "a"), await stack.upload(clips[1]!, "b"), await stack.upload(clips[2]!, "c")];
    // One job slot each (JOB_CONCURRENCY 1): three uploads land on three different nodes.
    const spread = await fleetUntil(stack, (nodes) => (nodes.every((n) => n.packaging.length === 1) ? nodes : undefined), "every node to run one job");
    expect(new Set(spread.flatMap((n) => n.packaging))).toEqual(new Set(ids));

    const victim = spread[0]!;
    const videoId = victim.packaging[0]!;
    await until(async () => ((await stack.stream(videoId)).body.progress ?? 0) > 0 ? true : undefined, "the victim's job to report progress", 240_000);
    const child = stack.nodes.get(victim.name)!;
    await child.kill("SIGKILL");
    stack.nodes.delete(victim.name);
    await until(async () => ((await groupMembers(child.pid)).length === 0 ? true : undefined), "the killed node's ffmpeg to be gone", 30_000);

    await fleetUntil(stack, (nodes) => (nodes.find((n) => n.name === victim.name)?.status === "lost" ? true : undefined), "the killed node to read lost");
    for (const id of ids) expect(await readyOrFailed(id)).toMatchObject({ status: 200, body: { status: "ready" } });

    const job = await jobOf(videoId);
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    const survivor = await nameOf(job.nodeId);
    expect(survivor).toBeDefined();
    expect(survivor).not.toBe(victim.name);
    // Packaged once: one package under the content address, written by the node that held the last lease.
    const prefix = job.result!.storagePrefix;
    const stored = await stack.worker.deps.storage.list(`${prefix}/`);
    expect(stored.filter((key) => key.endsWith(`/${MASTER_PLAYLIST}`) && key.split("/").length === 2)).toEqual([`${prefix}/${MASTER_PLAYLIST}`]);
    const manifest = await fetch(`${stack.worker.url}${(await stack.stream(videoId)).body.manifestUrl}`);
    expect(manifest.status).toBe(200);
    // The Node entry's /metrics counts the same state.
    const metrics = await (await fetch(`${stack.worker.url}/metrics`)).text();
    expect(metrics).toContain('edgestream_fleet_jobs{state="succeeded"} 3\n');
    expect(metrics).toContain('edgestream_fleet_nodes{status="lost"} 1\n');
  });

  it("lets a draining node (SIGUSR2) finish its job while the next upload goes to another node", async () => {
    const names = [...stack.nodes.keys()];
    expect(names).toHaveLength(2);
    const first = await stack.upload(clips[3]!, "d");
    const runner = await fleetUntil(stack, (nodes) => nodes.find((n) => n.packaging.includes(first)), "a node to claim the upload");
    const other = names.find((n) => n !== runner.name)!;
    process.kill(stack.nodes.get(runner.name)!.pid, "SIGUSR2");
    await fleetUntil(stack, (nodes) => (nodes.find((n) => n.name === runner.name)?.status === "draining" ? true : undefined), "the node to say draining");

    const second = await stack.upload(clips[4]!, "e");
    expect(await readyOrFailed(first)).toMatchObject({ status: 200, body: { status: "ready" } });
    expect(await readyOrFailed(second)).toMatchObject({ status: 200, body: { status: "ready" } });
    expect(await nameOf((await jobOf(first)).nodeId)).toBe(runner.name);
    expect(await jobOf(first)).toMatchObject({ attempts: 1 });
    expect(await nameOf((await jobOf(second)).nodeId)).toBe(other);
    expect(stack.nodes.get(runner.name)!.output()).not.toContain(`video ${second}`);
  });

  it("hands a job back at once when its node is stopped with SIGTERM, without counting the attempt", async () => {
    const live = (await stack.nodesView()).filter((n) => stack.nodes.has(n.name));
    const healthy = live.find((n) => n.status !== "draining")!;
    const draining = live.find((n) => n.status === "draining")!;
    const id = await stack.upload(clips[5]!, "f");
    await fleetUntil(stack, (nodes) => (nodes.find((n) => n.name === healthy.name)?.packaging.includes(id) ? true : undefined), "the healthy node to claim it");
    const child = stack.nodes.get(healthy.name)!;
    await child.kill("SIGTERM");
    stack.nodes.delete(healthy.name);
    expect(child.output()).toMatch(/edgestream transcode node: stopped on SIGTERM/);
    // Handed back, not lapsed: queued again with the attempt not counted, before any lease could expire.
    const job = await jobOf(id);
    expect(job).toMatchObject({ status: "queued", attempts: 0, leaseId: null });
    expect((await stack.nodesView()).find((n) => n.name === healthy.name)).toMatchObject({ status: "draining", packaging: [] });
    // A node that comes up takes it.
    await stack.startNode("n4");
    expect(await readyOrFailed(id)).toMatchObject({ status: 200, body: { status: "ready" } });
    expect(await nameOf((await jobOf(id)).nodeId)).toBe("n4");
    expect(draining.status).toBe("draining");
  });
});
