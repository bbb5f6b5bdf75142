// Upload → transcode node → ready, for real: the worker (Node entry) and the transcode node's jobs
// service share one storage folder; the worker creates jobs and pulls their state on /stream.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import type { RunningWorker } from "@edgestream/worker/node";
import { tokenOf } from "@edgestream/contracts";
import { parseStreamSource } from "../../worker/src/signing/stream-source.ts";
import { NODE_SECRET, startPair, viewerToken as login, type Pair } from "../helpers/node-pair.ts";
import { tempDataDir } from "../helpers/stack.ts";

/** Software encoding, a small ladder and session profile: quick on a busy machine. */
const startFlowPair = (dataDir: string, policy: "on-upload" | "on-first-view", sessions = false) =>
  startPair(dataDir, { policy, sessions, nodeEnv: { LADDER: "360,240", SESSION_PROFILE: "144" } });
const viewerToken = (worker: RunningWorker) => login(worker, "uploader");

async function upload(worker: RunningWorker, token: string, body: Uint8Array, type = "video/x-matroska"): Promise<{ id: string; status: string }> {
  const response = await fetch(`${worker.url}/api/videos?title=Clip`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": type }, body: body as Uint8Array<ArrayBuffer> });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; status: string };
}

/** Polls /stream the way the player does, honouring retryAfter, until it is not 202. */
async function streamUntilSettled(worker: RunningWorker, token: string, id: string): Promise<{ status: number; body: Record<string, unknown>; polls: number }> {
  for (let polls = 1; ; polls++) {
    const response = await fetch(`${worker.url}/api/videos/${id}/stream`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 202) return { status: response.status, body, polls };
    expect(body).toMatchObject({ status: "generating", progress: expect.any(Number) });
    await new Promise((r) => setTimeout(r, 250)); // shorter than retryAfter: tests need not wait 2 s
  }
}

describe("packaging on upload", () => {
  let dataDir: string;
  let pair: Pair;
  let clip: Uint8Array;
  beforeAll(async () => {
    dataDir = await tempDataDir("flow");
    pair = await startFlowPair(dataDir, "on-upload");
    // MPEG-4 Part 2 in Matroska: not browser-safe, so the node must transcode it.
    await generateTestPattern(join(dataDir, "clip.mkv"), { seconds: 5, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"], audioArgs: ["-c:a", "libopus", "-b:a", "48k"] });
    clip = await readFile(join(dataDir, "clip.mkv"));
  });
  afterAll(async () => {
    await pair?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts a job on upload, reports progress while generating, then plays the packaged ladder", async () => {
    const token = await viewerToken(pair.worker);
    const video = await upload(pair.worker, token, clip);
    expect(video.status).toBe("generating");
    const settled = await streamUntilSettled(pair.worker, token, video.id);
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: "ready", posterUrl: expect.stringContaining("?sig="), thumbnailsUrl: expect.stringContaining("?sig=") });
    const masterUrl = new URL(settled.body["manifestUrl"] as string, pair.worker.url);
    const master = await (await fetch(masterUrl)).text();
    expect(master).toMatch(/#EXT-X-STREAM-INF:.*CODECS="avc1\./);
    const variant = master.split("\n").find((line) => line && !line.startsWith("#"))!;
    const media = await (await fetch(new URL(variant, masterUrl))).text();
    const segment = media.split("\n").find((line) => line && !line.startsWith("#"))!;
    const bytes = await fetch(new URL(segment, new URL(variant, masterUrl)));
    expect(bytes.status).toBe(200);
    expect((await bytes.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const poster = await fetch(new URL(settled.body["posterUrl"] as string, pair.worker.url));
    expect([poster.status, poster.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
  });

  it("shows a video become ready in the list, without anyone asking /stream", async () => {
    const token = await viewerToken(pair.worker);
    await generateTestPattern(join(dataDir, "list.mp4"), { seconds: 2, width: 160, height: 90 });
    const video = await upload(pair.worker, token, await readFile(join(dataDir, "list.mp4")), "video/mp4");
    let status = video.status;
    for (let i = 0; i < 100 && status !== "ready"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const list = (await (await fetch(`${pair.worker.url}/api/videos`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { videos: { id: string; status: string }[] };
      status = list.videos.find((v) => v.id === video.id)!.status;
    }
    expect(status).toBe("ready");
  });

  it("packages again when the identical package it deduplicated to was deleted meanwhile", async () => {
    const token = await viewerToken(pair.worker);
    const first = await upload(pair.worker, token, clip);
    expect((await streamUntilSettled(pair.worker, token, first.id)).status).toBe(200);
    const second = await upload(pair.worker, token, clip); // same bytes: the node deduplicates to the same prefix
    await new Promise((r) => setTimeout(r, 500)); // let the node finish (deduplicated) before the first is deleted
    expect((await fetch(`${pair.worker.url}/api/videos/${first.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } })).status).toBe(204);
    const settled = await streamUntilSettled(pair.worker, token, second.id);
    expect(settled.status).toBe(200);
    expect((await fetch(new URL(settled.body["manifestUrl"] as string, pair.worker.url))).status).toBe(200);
  });

  it("reports a source the node cannot read as failed, with the node's reason", async () => {
    const token = await viewerToken(pair.worker);
    const video = await upload(pair.worker, token, new TextEncoder().encode("this is not a video, just words"), "application/octet-stream");
    const settled = await streamUntilSettled(pair.worker, token, video.id);
    expect(settled.status).toBe(422);
    expect(settled.body).toEqual({ status: "failed", error: expect.stringMatching(/not a media file ffmpeg can read/) });
  });
});

describe("packaging on first view", () => {
  let dataDir: string;
  let pair: Pair;
  beforeAll(async () => {
    dataDir = await tempDataDir("flow-first-view");
    pair = await startFlowPair(dataDir, "on-first-view");
  });
  afterAll(async () => {
    await pair?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("leaves an upload pending until someone asks to play it", async () => {
    await generateTestPattern(join(dataDir, "clip.mp4"), { seconds: 3, width: 320, height: 180 });
    const token = await viewerToken(pair.worker);
    const video = await upload(pair.worker, token, await readFile(join(dataDir, "clip.mp4")), "video/mp4");
    expect(video.status).toBe("pending");
    const settled = await streamUntilSettled(pair.worker, token, video.id);
    expect(settled.status).toBe(200);
    expect(settled.polls).toBeGreaterThan(1);
  });
});

describe("playing before packaging, through an on-demand session", () => {
  let dataDir: string;
  let pair: Pair;
  beforeAll(async () => {
    dataDir = await tempDataDir("flow-session");
    pair = await startFlowPair(dataDir, "on-first-view", true);
  });
  afterAll(async () => {
    await pair?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 202 with a signed session manifest that plays at once, seeks far, and ends up packaged", async () => {
    await generateTestPattern(join(dataDir, "clip.mkv"), { seconds: 20, width: 160, height: 90, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "5"] });
    const token = await viewerToken(pair.worker);
    const video = await upload(pair.worker, token, await readFile(join(dataDir, "clip.mkv")));
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const first = await fetch(`${pair.worker.url}/api/videos/${video.id}/stream`, auth);
    expect(first.status).toBe(202);
    const stream = (await first.json()) as { manifestUrl: string; sessionId: string };
    expect(stream.manifestUrl).toMatch(new RegExp(`^/hls/${video.id}/master\\.m3u8\\?sig=`));

    const masterUrl = new URL(stream.manifestUrl, pair.worker.url);
    const master = await (await fetch(masterUrl)).text();
    const variant = new URL(master.split("\n").find((l) => l.includes("index.m3u8"))!, masterUrl);
    const media = await (await fetch(variant)).text();
    const uris = media.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(uris).toHaveLength(5); // the whole 20 s timeline, signed, before it is encoded
    for (const uri of uris) expect(new URL(uri, variant).searchParams.get("sig")).toBe(new URL(stream.manifestUrl, pair.worker.url).searchParams.get("sig"));
    const init = await fetch(new URL(media.match(/URI="([^"]+)"/)![1]!, variant));
    expect(init.status).toBe(200);
    const far = await fetch(new URL(uris[4]!, variant)); // a seek to the end first
    expect([far.status, far.headers.get("content-type")]).toEqual([200, "video/iso.segment"]);
    expect((await far.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    for (const uri of uris.slice(0, 4)) expect((await fetch(new URL(uri, variant))).status).toBe(200);

    // The heartbeat renews this viewer's lease on the node's session, read from the node's own
    // state (the token names the session and the viewer): a heartbeat that renews nothing leaves
    // the time where the last segment request put it.
    const oldSig = new URL(stream.manifestUrl, pair.worker.url).searchParams.get("sig")!;
    const [, , , src, sub] = oldSig.split(".");
    const session = parseStreamSource(src!)?.session;
    expect(session, "the token names a node session").toMatch(/^[A-Za-z0-9_-]+$/);
    const lease = Buffer.from(sub!, "base64url").toString();
    const leaseRenewedAt = async () => {
      const state = await fetch(`${pair.node.url}/v1/sessions/${session}`, { headers: { Authorization: `Bearer ${NODE_SECRET}` } });
      return Date.parse(((await state.json()) as { leaseRenewedAt: Record<string, string> }).leaseRenewedAt[lease]!);
    };
    const before = await leaseRenewedAt();
    expect(Number.isFinite(before)).toBe(true);
    while (Date.now() <= before) await new Promise((r) => setTimeout(r, 1)); // so a renewal shows as a later time
    const heartbeat = await fetch(`${pair.worker.url}/api/sessions/${stream.sessionId}/heartbeat`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ videoId: video.id }),
    });
    expect(heartbeat.status).toBe(204);
    expect(await leaseRenewedAt()).toBeGreaterThan(before);

    // Every segment now exists: the session writes the package, and the video is ready from storage.
    const settled = await streamUntilSettled(pair.worker, token, video.id);
    // A player that refreshes the session token it plays with keeps the session's files, even now.
    const renewed = (await (await fetch(`${pair.worker.url}/api/videos/${video.id}/stream?renew=${oldSig}&session=${stream.sessionId}`, auth)).json()) as { manifestUrl: string; sessionId: string };
    const renewedSig = new URL(renewed.manifestUrl, pair.worker.url).searchParams.get("sig")!;
    expect(renewedSig.split(".")[3]).toBe(oldSig.split(".")[3]);
    expect(renewed.sessionId).toBe(stream.sessionId);
    expect((await fetch(new URL(uris[2]!.replace(oldSig, renewedSig), variant))).status).toBe(200);
    expect(settled.status).toBe(200);
    const ready = new URL(settled.body["manifestUrl"] as string, pair.worker.url);
    expect(tokenOf(ready)!.split(".")[3]).toMatch(/^[0-9a-f]{64}$/); // src: the content address, not the node
    expect((await fetch(ready)).status).toBe(200);
  });
});
