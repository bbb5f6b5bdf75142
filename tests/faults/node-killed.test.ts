// The transcode node SIGKILLed (with its ffmpeg) in the middle of a packaging job. The worker keeps
// no background task, so everything below is driven by polling /stream the way a player does.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { freePort } from "../../worker/src/testing/free-port.ts";
import { until } from "../helpers/processes.ts";
import { groupMembers, startChild, type Child } from "./child-process.ts";

const NODE_SECRET = "n".repeat(40);
const children: Child[] = [];
const workers: RunningWorker[] = [];
const dirs: string[] = [];
let clip: Uint8Array;

beforeAll(async () => {
  const dir = await tempDataDir("faults-clip");
  dirs.push(dir);
  // 40 s of MPEG-4 Part 2 at 640x360: the node must transcode a ladder, which keeps it busy long enough to be killed mid-job.
  await generateTestPattern(join(dir, "clip.mkv"), { seconds: 40, width: 640, height: 360, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"], audioArgs: ["-c:a", "libopus", "-b:a", "48k"] });
  clip = await readFile(join(dir, "clip.mkv"));
});
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  for (const child of children.splice(0)) await child.kill("SIGKILL");
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Stack {
  dataDir: string;
  port: number;
  worker: RunningWorker;
  token: string;
  node: Child;
}

async function startNode(dataDir: string, port: number): Promise<Child> {
  const env = { NODE_SECRET, PORT: String(port), STORAGE_DIR: join(dataDir, "storage"), WORK_DIR: join(dataDir, "work"), HWACCEL: "software", LADDER: "360,240" };
  const node = await startChild("transcode-node/src/server.ts", env, /listening on/);
  children.push(node);
  return node;
}

async function startStack(workerEnv: Record<string, string>): Promise<Stack> {
  const dataDir = await tempDataDir("faults-node");
  dirs.push(dataDir);
  const port = await freePort();
  const node = await startNode(dataDir, port);
  const worker = await startNodeWorker({
    ...TEST_SECRETS,
    DEMO_MODE: "1",
    EDGESTREAM_DATA_DIR: dataDir,
    PORT: "0",
    TRANSCODE_NODE_URL: `http://127.0.0.1:${port}`,
    TRANSCODE_NODE_SECRET: NODE_SECRET,
    ON_DEMAND_SESSIONS: "0",
    ...workerEnv,
  });
  workers.push(worker);
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  const { token } = (await login.json()) as { token: string };
  return { dataDir, port, worker, token, node };
}

async function stream(stack: Stack, id: string): Promise<{ status: number; body: { status: string; progress?: number; error?: string } }> {
  const response = await fetch(`${stack.worker.url}/api/videos/${id}/stream`, { headers: { Authorization: `Bearer ${stack.token}` } });
  return { status: response.status, body: (await response.json()) as { status: string; progress?: number; error?: string } };
}

/** Polls /stream until `done` holds for its answer; the test's own timeout bounds the wait. */
async function streamUntil(stack: Stack, id: string, done: (answer: Awaited<ReturnType<typeof stream>>) => boolean) {
  for (;;) {
    const answer = await stream(stack, id);
    if (done(answer)) return answer;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Uploads the clip, waits until the node reports progress on its job, then SIGKILLs the node's process
 * group. `stillGenerating` checks the worker's view right after the kill; a test whose node-down bound
 * is a couple of seconds leaves it out, since on a busy machine that bound may already have passed.
 */
async function uploadAndKillMidJob(stack: Stack, { stillGenerating = true } = {}): Promise<string> {
  const response = await fetch(`${stack.worker.url}/api/videos?title=Clip`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.token}`, "Content-Type": "video/x-matroska" },
    body: clip as Uint8Array<ArrayBuffer>,
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await streamUntil(stack, id, ({ status, body }) => status !== 202 || (body.progress ?? 0) > 0);
  await stack.node.kill("SIGKILL");
  // Its ffmpeg dies with it: the group empties once the kernel has reaped every member (state, not time).
  await until(async () => ((await groupMembers(stack.node.pid)).length === 0 ? true : undefined), "the killed node's process group to be empty", 30_000);
  // Killed mid-job: the worker still thinks the video is being packaged.
  if (stillGenerating) expect(await stream(stack, id)).toMatchObject({ status: 202, body: { status: "generating" } });
  return id;
}

describe("transcode node killed with SIGKILL during a job", () => {
  it("submits the job again to the node that comes back on the same URL, and the video becomes ready", async () => {
    const stack = await startStack({});
    const id = await uploadAndKillMidJob(stack);
    await startNode(stack.dataDir, stack.port);
    const settled = await streamUntil(stack, id, ({ status }) => status !== 202);
    expect(settled).toMatchObject({ status: 200, body: { status: "ready" } });
    const manifest = await fetch(`${stack.worker.url}${(settled.body as { manifestUrl?: string }).manifestUrl}`);
    expect(manifest.status).toBe(200);
    expect(await manifest.text()).toContain("#EXTM3U");
  });

  it("fails the video with a reason, and no server path, once the node has stayed away for TRANSCODE_NODE_DOWN_SECONDS", async () => {
    const stack = await startStack({ TRANSCODE_NODE_DOWN_SECONDS: "2" });
    const id = await uploadAndKillMidJob(stack, { stillGenerating: false });
    const settled = await streamUntil(stack, id, ({ status }) => status !== 202);
    expect(settled.status).toBe(422);
    expect(settled.body.status).toBe("failed");
    expect(settled.body.error).toMatch(/^packaging stopped: the transcode node has not answered for \d+ s; upload the video again later$/);
    const list = await fetch(`${stack.worker.url}/api/videos`, { headers: { Authorization: `Bearer ${stack.token}` } });
    expect(((await list.json()) as { videos: { id: string; status: string }[] }).videos).toContainEqual(expect.objectContaining({ id, status: "failed" }));
  });

  it("fails the video once the node has lost its job TRANSCODE_MAX_ATTEMPTS times, instead of resubmitting forever", async () => {
    const stack = await startStack({ TRANSCODE_MAX_ATTEMPTS: "1" });
    const id = await uploadAndKillMidJob(stack);
    await startNode(stack.dataDir, stack.port);
    const settled = await streamUntil(stack, id, ({ status }) => status !== 202);
    expect(settled).toMatchObject({
      status: 422,
      body: { status: "failed", error: "packaging gave up after 1 attempt: the transcode node lost the job each time; upload the video again" },
    });
  });
});
