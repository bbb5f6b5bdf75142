// Hostile sources against the real stack over HTTP: the worker (Node entry) and a transcode node
// sharing one storage folder, real ffmpeg. An upload that is really a playlist naming media files of
// the host is refused with a reason and leaves nothing behind; a device
// or FIFO never reaches a reader; a cancel during hashing stops the reading and frees the queue.
import { execFileSync } from "node:child_process";
import { mkdir, readdir, rm, truncate } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import type { RunningNode } from "../../transcode-node/src/server.ts";
import { PLAYLIST_MESSAGE } from "../../transcode-node/src/input-policy.ts";
import { HOSTILE_KINDS, hostileSource } from "../../transcode-node/src/testing/hostile.ts";
import { IDLE_HASH_COMMANDS } from "../../transcode-node/src/hash.ts";
import { bytesRead, bytesReadWith, childPids, commandOf } from "../../transcode-node/src/testing/processes.ts";
import type { RunningWorker } from "@edgestream/worker/node";
import { NODE_SECRET, settleStream, startPair, viewerToken, type Pair } from "../helpers/node-pair.ts";
import { tempDataDir } from "../helpers/stack.ts";

const NODE_AUTH = { Authorization: `Bearer ${NODE_SECRET}`, "Content-Type": "application/json" };

async function startStack(dataDir: string, policy: "on-upload" | "on-first-view"): Promise<Pair> {
  const pair = await startPair(dataDir, { policy, sessions: true, nodeEnv: { LADDER: "90", SESSION_PROFILE: "144", RETRY_BASE_MS: "10" } });
  await pair.node.hardware.snapshot(); // encoder detection done: its test encodes are not the children the tests look for
  return pair;
}

async function upload(worker: RunningWorker, token: string, body: string, type: string): Promise<string> {
  const response = await fetch(`${worker.url}/api/videos?title=Clip&visibility=private`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": type }, body });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Every file below a folder, relative to it. */
async function listing(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(folder.length + 1)).sort();
}

async function sessionsRunning(node: RunningNode): Promise<number> {
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^edgestream_sessions (\d+)$/m.exec(metrics)?.[1]);
}

/** Children of this process (the node runs in it) that read media: ffmpeg, ffprobe, hashing. */
async function readerChildren(): Promise<string[]> {
  const names = await Promise.all((await childPids()).map(commandOf));
  return names.filter((n): n is string => n !== null && (/^(ffmpeg|ffprobe)$/.test(n) || IDLE_HASH_COMMANDS.has(n)));
}

describe.each(["on-upload", "on-first-view"] as const)("hostile uploads (%s, on-demand sessions on)", (policy) => {
  let dataDir: string;
  let stack: Pair;
  let target: string; // a private clip elsewhere on the node's disk
  beforeAll(async () => {
    dataDir = await tempDataDir(`security-${policy}`);
    stack = await startStack(dataDir, policy);
    target = join(dataDir, "private", "clip.mp4");
    await mkdir(dirname(target), { recursive: true });
    await generateTestPattern(target, { seconds: 2, width: 160, height: 90 });
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(HOSTILE_KINDS)("refuses an %s playlist (naming a private clip on the node, or the network): 422 with the reason, and nothing packaged, no session", async (kind) => {
    const attacker = await viewerToken(stack.worker, `attacker-${kind}`);
    const id = await upload(stack.worker, attacker, hostileSource(kind, target), kind === "dash" ? "application/octet-stream" : "video/mp4");
    const settled = await settleStream(stack.worker, attacker, id);
    expect(settled).toEqual({ status: 422, body: { status: "failed", error: PLAYLIST_MESSAGE } });
    // Asked again, the answer stands (no retry turns it into something playable).
    expect((await fetch(`${stack.worker.url}/api/videos/${id}/stream`, { headers: { Authorization: `Bearer ${attacker}` } })).status).toBe(422);
    expect((await listing(stack.storageDir)).filter((key) => !key.startsWith("uploads/"))).toEqual([]); // no package, no session segment
    expect(await sessionsRunning(stack.node)).toBe(0);
    expect(await listing(stack.workDir)).toEqual([]);
    expect(await readerChildren()).toEqual([]);
  });
});

describe("hostile sources on the node's jobs API", () => {
  let dataDir: string;
  let stack: Pair;
  beforeAll(async () => {
    dataDir = await tempDataDir("security-node");
    stack = await startStack(dataDir, "on-upload");
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const postJob = (source: object) => fetch(`${stack.node.url}/v1/jobs`, { method: "POST", headers: NODE_AUTH, body: JSON.stringify({ source }) });

  it("refuses a device and a FIFO as source.path with 422, and reads neither", async () => {
    const fifo = join(stack.storageDir, "uploads-fifo");
    execFileSync("mkfifo", [fifo]);
    for (const [path, kind] of [["/dev/zero", "a device"], [fifo, "a FIFO (named pipe)"]] as const) {
      const response = await postJob({ path });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ error: { code: "unreadable_source", message: `source.path: the source is ${kind}, not a regular file: give a media file` } });
    }
    expect(await readerChildren()).toEqual([]);
    expect((await (await fetch(`${stack.node.url}/healthz`)).json()).queue).toEqual({ queued: 0, running: 0 });
  });

  it("stops reading when a job is cancelled during hashing, leaves no child, and the queue runs the next job", async () => {
    // A real clip followed by sparse zeros: it packages in a moment, but hashing (beside the encode,
    // in a child that reads the file itself) reads 8 GiB, so the cancel always lands mid-read.
    const huge = join(stack.storageDir, "huge.mp4");
    await generateTestPattern(huge, { seconds: 2, width: 160, height: 90 });
    await truncate(huge, 8 * 1024 ** 3);
    const reads = () => bytesReadWith(IDLE_HASH_COMMANDS);
    const before = await reads();
    const created = (await (await postJob({ path: huge })).json()) as { id: string };
    while ((await reads()) - before < 32 * 1024 * 1024) await new Promise((r) => setTimeout(r, 20)); // hashing is well under way
    const cancelled = await fetch(`${stack.node.url}/v1/jobs/${created.id}`, { method: "DELETE", headers: NODE_AUTH });
    expect((await cancelled.json()).status).toBe("cancelled");
    const atCancel = await reads();

    // The next job runs (JOB_CONCURRENCY is 1): the cancelled one gave its slot back.
    await generateTestPattern(join(stack.storageDir, "next.mp4"), { seconds: 1, width: 160, height: 90 });
    const next = (await (await postJob({ path: join(stack.storageDir, "next.mp4") })).json()) as { id: string };
    await fetch(`${stack.node.url}/v1/jobs/${next.id}/events`, { headers: NODE_AUTH }).then((r) => r.text());
    expect((await (await fetch(`${stack.node.url}/v1/jobs/${next.id}`, { headers: NODE_AUTH })).json()).status).toBe("succeeded");
    const afterNext = await reads();
    // Had the cancelled hash gone on, the next job would have waited for all 8 GiB of it to be read.
    expect(afterNext - atCancel).toBeLessThan(1024 ** 3);

    expect(await readerChildren()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000)); // "a second later": nothing reads any more
    expect((await bytesRead()) - afterNext).toBeLessThan(1024 * 1024);
  });
});
