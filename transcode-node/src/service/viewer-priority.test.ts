// The viewer's encoder comes first: a packaging job and an on-demand session on one node, real ffmpeg
// both, and the priorities the kernel holds for them read from /proc while both encode.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProcesses, processState, until } from "../../../tests/helpers/processes.ts";
import { startNodeServer, type RunningNode } from "../server.ts";
import { generateTestPattern } from "../test-pattern.ts";
import { threadNiceness } from "../testing/processes.ts";

const SECRET = "p".repeat(40);
const auth = { authorization: `Bearer ${SECRET}`, "content-type": "application/json" };
let dir: string;
let source: string;
let node: RunningNode;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-priority-"));
  source = join(dir, "long.mkv");
  // A source that needs a transcode (so the session encodes too), long enough that the job is still
  // encoding while the test looks.
  await generateTestPattern(source, { seconds: 600, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "8"] });
  node = await startNodeServer({
    NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "storage"), WORK_DIR: join(dir, "work"), SOURCE_DIR: dir,
    HWACCEL: "software", LADDER: "180,144", SESSION_PROFILE: "144", SESSION_AHEAD_SEGMENTS: "1000",
  });
}, 120_000);
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The packaging job's ffmpeg, once it runs (a child of this process working in a job folder). */
const jobFfmpeg = () =>
  until(async () => (await listProcesses()).find((p) => p.ppid === process.pid && p.cmdline.startsWith("ffmpeg") && p.cmdline.includes(join(dir, "work", "job-"))), "the job's ffmpeg");

describe("viewer priority", () => {
  it("runs a packaging job's ffmpeg, every thread of it, below the priority of a session encoder a viewer waits on", async () => {
    const session = await (await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: auth, body: JSON.stringify({ source: { path: source }, lease: "viewer" }) })).json();
    const job = await (await fetch(`${node.url}/v1/jobs`, { method: "POST", headers: auth, body: JSON.stringify({ source: { path: source } }) })).json();
    try {
      const jobEncoder = await jobFfmpeg();
      const [sessionEncoder] = (await (await fetch(`${node.url}/v1/sessions/${session.id}`, { headers: auth })).json()).encoderPids as number[];
      expect(sessionEncoder).toBeDefined();
      // Once ffmpeg has started its encoder threads (a thread made later inherits its maker's priority).
      const jobThreads = await until(async () => {
        const threads = await threadNiceness(jobEncoder.pid);
        return threads.length > 1 ? threads : undefined;
      }, "the job's encoder threads");
      const sessionThreads = await threadNiceness(sessionEncoder!);
      // Both encode at this moment: neither has exited nor is parked.
      expect(await processState(jobEncoder.pid)).toMatch(/^[RSD]$/);
      expect(await processState(sessionEncoder!)).toMatch(/^[RSD]$/);
      expect(new Set(jobThreads)).toEqual(new Set([10]));
      expect(new Set(sessionThreads)).toEqual(new Set([0]));
    } finally {
      await fetch(`${node.url}/v1/jobs/${job.id}`, { method: "DELETE", headers: auth });
      await fetch(`${node.url}/v1/sessions/${session.id}?lease=viewer`, { method: "DELETE", headers: auth });
    }
  });

  it("stops the job's ffmpeg while a viewer waits on a session segment, and lets it run again once served", async () => {
    const session = await (await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: auth, body: JSON.stringify({ source: { path: source }, lease: "waiter" }) })).json();
    const job = await (await fetch(`${node.url}/v1/jobs`, { method: "POST", headers: auth, body: JSON.stringify({ source: { path: source } }) })).json();
    const [encoder] = (await (await fetch(`${node.url}/v1/sessions/${session.id}`, { headers: auth })).json()).encoderPids as number[];
    try {
      const jobEncoder = await jobFfmpeg();
      // Freeze the session's encoder ourselves, so the viewer's wait lasts until we let it go.
      process.kill(encoder!, "SIGSTOP");
      await until(async () => ((await processState(encoder!)) === "T" ? true : undefined), "the session encoder to be frozen");
      expect(await processState(jobEncoder.pid)).toMatch(/^[RSD]$/); // nobody waits yet
      const state = await (await fetch(`${node.url}/v1/sessions/${session.id}`, { headers: auth })).json();
      const next = Math.round(state.progress * state.segments) + 2; // not finished, close ahead of the encoder
      const rendition = (await (await fetch(`${node.url}/v1/sessions/${session.id}/master.m3u8`, { headers: auth })).text()).split("\n").find((l: string) => l.endsWith("/index.m3u8"))!.replace("/index.m3u8", "");
      const waiting = fetch(`${node.url}/v1/sessions/${session.id}/${rendition}/seg_${String(next).padStart(5, "0")}.m4s?lease=waiter`, { headers: auth });
      await until(async () => ((await processState(jobEncoder.pid)) === "T" ? true : undefined), "the job's ffmpeg to be stopped while the viewer waits");
      process.kill(encoder!, "SIGCONT");
      expect((await waiting).status).toBe(200);
      await until(async () => (/^[RSD]$/.test((await processState(jobEncoder.pid)) ?? "") ? true : undefined), "the job's ffmpeg to run again");
    } finally {
      try {
        process.kill(encoder!, "SIGCONT");
      } catch {
        // already gone
      }
      await fetch(`${node.url}/v1/jobs/${job.id}`, { method: "DELETE", headers: auth });
      await fetch(`${node.url}/v1/sessions/${session.id}?lease=waiter`, { method: "DELETE", headers: auth });
    }
  });
});
