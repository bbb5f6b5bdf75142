// The resolver's transitions on a real libSQL file and real fs storage. The transcode node is the
// in-memory fake (testing/fake-transcode-node.ts): the states these tests need (a job that
// succeeded, failed or was forgotten, a completed session, a refused source) take a real node
// real encodes to reach; the real node's path is covered by tests/integration and tests/e2e.
import { afterEach, describe, expect, it } from "vitest";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import type { ConfigInput } from "../config.ts";
import { findVisibleVideo, insertVideo } from "../db/videos.ts";
import type { NewVideo, Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { signStreamToken } from "../signing/stream-token.ts";
import { createFakeTranscodeNode, type FakeTranscodeNode } from "../testing/fake-transcode-node.ts";
import { createTestApp, type TestApp } from "../testing/test-app.ts";
import { TranscodeNodeError } from "../transcode/node-client.ts";
import { RENEW_WITHIN_SECONDS } from "./renew.ts";
import { resolvePlayback } from "./resolve.ts";
import { advance, StatusTransitionError } from "./transitions.ts";

const T0 = 1_800_000_000;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Env = Partial<Record<keyof ConfigInput, string>>;
let clock = T0;

async function setup(env: Env, row: Partial<NewVideo> = {}): Promise<{ deps: AppDeps; node: FakeTranscodeNode; video: Video }> {
  clock = T0;
  t = await createTestApp(env, () => clock);
  const node = createFakeTranscodeNode();
  const deps = { ...t.deps, transcoder: node };
  const video = await insertVideo(deps.db, { id: "v1", ownerId: "alice", title: "Clip", status: "pending", sourceKey: "uploads/v1/source", ...row });
  return { deps, node, video };
}

const stored = async (deps: AppDeps) => (await findVisibleVideo(deps.db, "v1", "alice"))!;

async function writePackage(deps: AppDeps, prefix: string, meta: object) {
  await deps.storage.put(`${prefix}/master.m3u8`, "#EXTM3U\n");
  await deps.storage.put(`${prefix}/meta.json`, JSON.stringify(meta));
}

const JOBS_ONLY: Env = { ON_DEMAND_SESSIONS: "0" };
const SESSIONS_PACKAGE: Env = { ON_DEMAND_SESSIONS: "1", PACKAGE_POLICY: "on-first-view" };

describe("resolvePlayback with packaging jobs", () => {
  it("keeps a pending video pending and answers generating when there is no node", async () => {
    const { deps, video } = await setup(JOBS_ONLY);
    const playback = await resolvePlayback({ ...deps, transcoder: undefined }, video, { viewerId: "alice" });
    expect(playback.kind).toBe("generating");
    expect(await stored(deps)).toMatchObject({ status: "pending", jobId: null, jobAttempts: 0 });
  });

  it("moves a pending video to generating when the node takes its job", async () => {
    const { deps, node, video } = await setup(JOBS_ONLY);
    node.nextJob = { id: "job-7", status: "running", progress: 0.25 };
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "generating", video: { status: "generating", progress: 0.25 } });
    expect(await stored(deps)).toMatchObject({ status: "generating", jobId: "job-7", jobAttempts: 1, progress: 0.25, jobSeenAt: new Date(T0 * 1000) });
  });

  it("moves a generating video to ready from storage when its job succeeded, with the package's poster and thumbnails", async () => {
    const { deps, node, video } = await setup(JOBS_ONLY, { status: "generating", jobId: "job-1", jobAttempts: 1 });
    await writePackage(deps, "pkg1", {});
    node.jobs.set("job-1", {
      id: "job-1",
      status: "succeeded",
      result: { sha256: "ab".repeat(32), storagePrefix: "pkg1", durationMs: 4000, thumbnails: { poster: "poster.jpg", track: "thumbs.vtt", sprites: [] } },
    });
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "stored", storagePrefix: "pkg1" });
    expect(await stored(deps)).toMatchObject({ status: "ready", progress: 1, storagePrefix: "pkg1", durationMs: 4000, posterPath: "poster.jpg", thumbnailsPath: "thumbs.vtt", error: null });
  });

  it("moves a generating video to failed with the job's reason", async () => {
    const { deps, node, video } = await setup(JOBS_ONLY, { status: "generating", jobId: "job-1", jobAttempts: 1 });
    node.jobs.set("job-1", { id: "job-1", status: "failed", error: "the source has no video or audio stream" });
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "failed", error: "the source has no video or audio stream" });
    expect(await stored(deps)).toMatchObject({ status: "failed", error: "the source has no video or audio stream" });
  });

  it("submits a job the node forgot again, and fails the video once TRANSCODE_MAX_ATTEMPTS jobs were lost", async () => {
    const { deps, node, video } = await setup({ ...JOBS_ONLY, TRANSCODE_MAX_ATTEMPTS: "2" }, { status: "generating", jobId: "lost-1", jobAttempts: 1 });
    node.nextJob = { id: "job-2", status: "queued" };
    const again = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(again.kind).toBe("generating");
    expect(await stored(deps)).toMatchObject({ status: "generating", jobId: "job-2", jobAttempts: 2 });
    node.jobs.clear();
    const lost = await resolvePlayback(deps, await stored(deps), { viewerId: "alice" });
    expect(lost).toMatchObject({ kind: "failed", error: "packaging gave up after 2 attempts: the transcode node lost the job each time; upload the video again" });
    expect(await stored(deps)).toMatchObject({ status: "failed" });
  });
});

describe("resolvePlayback with on-demand sessions", () => {
  it("plays a pending video through a new session and moves it to generating", async () => {
    const { deps, node, video } = await setup(SESSIONS_PACKAGE);
    node.nextSession = { id: "s1", status: "running", progress: 0.1 };
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "session", sessionId: "s1", video: { status: "generating" } });
    expect(await stored(deps)).toMatchObject({ status: "generating", nodeSessionId: "s1", progress: 0.1, jobId: null });
  });

  it("moves the video to ready from storage once its session completed and stored the package", async () => {
    const { deps, node, video } = await setup(SESSIONS_PACKAGE, { status: "generating", nodeSessionId: "s1" });
    // What a finished session writes: a meta.json complete under the contracts schema.
    const meta = samplePackageMeta({
      origin: "on-demand-session",
      sha256: "cd".repeat(32),
      thumbnails: { poster: "thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: ["thumbnails/sprite-001.jpg"], intervalSec: 4, width: 160, height: 90, columns: 10, rows: 10, count: 1 },
    });
    await writePackage(deps, "pkg2", { ...meta, source: { ...meta.source, durationSec: 2.5 } });
    node.sessions.set("s1", { id: "s1", status: "completed", progress: 1, storagePrefix: "pkg2" });
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "stored", storagePrefix: "pkg2" });
    expect(await stored(deps)).toMatchObject({ status: "ready", storagePrefix: "pkg2", durationMs: 2500, sourceSha256: "cd".repeat(32), posterPath: meta.thumbnails!.poster, thumbnailsPath: meta.thumbnails!.track });
    expect(node.heartbeats).toEqual([{ id: "s1", lease: "alice" }]);
  });

  it("moves the video to failed with the node's reason when the node refuses the source", async () => {
    const { deps, node, video } = await setup(SESSIONS_PACKAGE);
    node.nextSession = new TranscodeNodeError("starting a session failed", 422, "this file is a playlist, not a video: upload the media itself");
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback).toMatchObject({ kind: "failed", error: "this file is a playlist, not a video: upload the media itself" });
    expect(await stored(deps)).toMatchObject({ status: "failed" });
  });

  it("keeps a failed session's video generating while a packaging job still runs", async () => {
    const { deps, node, video } = await setup({ ON_DEMAND_SESSIONS: "1" }, { status: "generating", jobId: "job-1", jobAttempts: 1, nodeSessionId: "s1" });
    node.jobs.set("job-1", { id: "job-1", status: "running", progress: 0.5 });
    node.sessions.set("s1", { id: "s1", status: "failed", progress: 0, error: "hardware encoder failed" });
    const playback = await resolvePlayback(deps, video, { viewerId: "alice" });
    expect(playback.kind).toBe("generating");
    expect(await stored(deps)).toMatchObject({ status: "generating", progress: 0.5, error: null });
  });

  it("keeps a renewing viewer on their running session after the video became ready", async () => {
    const { deps, node, video } = await setup({ ON_DEMAND_SESSIONS: "1" }, { status: "ready", storagePrefix: "pkg1" });
    node.sessions.set("s1", { id: "s1", status: "running", progress: 0.6 });
    const renew = await signStreamToken(deps.keyring, { exp: T0 + 300, vid: "v1", session: "s1", sub: "alice" });
    expect(await resolvePlayback(deps, video, { viewerId: "alice", renew })).toMatchObject({ kind: "session", sessionId: "s1", video: { status: "ready" } });
    expect(node.heartbeats).toEqual([{ id: "s1", lease: "alice" }]);
    // Another viewer's token, or a token for stored media, brings no session back.
    const bob = await signStreamToken(deps.keyring, { exp: T0 + 300, vid: "v1", session: "s1", sub: "bob" });
    expect(await resolvePlayback(deps, video, { viewerId: "alice", renew: bob })).toMatchObject({ kind: "stored" });
    const plain = await signStreamToken(deps.keyring, { exp: T0 + 300, vid: "v1", src: "pkg1", sub: "alice" });
    expect(await resolvePlayback(deps, video, { viewerId: "alice", renew: plain })).toMatchObject({ kind: "stored" });
  });

  it("judges a renewed token's age on the app's clock", async () => {
    const { deps, node, video } = await setup({ ON_DEMAND_SESSIONS: "1" }, { status: "ready", storagePrefix: "pkg1" });
    node.sessions.set("s1", { id: "s1", status: "running", progress: 0.6 });
    const renew = await signStreamToken(deps.keyring, { exp: T0 + 300, vid: "v1", session: "s1", sub: "alice" });
    clock = T0 + 300 + RENEW_WITHIN_SECONDS;
    expect(await resolvePlayback(deps, video, { viewerId: "alice", renew })).toMatchObject({ kind: "session" });
    clock += 1;
    expect(await resolvePlayback(deps, video, { viewerId: "alice", renew })).toMatchObject({ kind: "stored" });
    expect(node.heartbeats).toHaveLength(1);
  });
});

describe("status transitions", () => {
  it("refuses to move a video out of ready or failed, and stores nothing then", async () => {
    const { deps, video } = await setup(JOBS_ONLY, { status: "ready", storagePrefix: "pkg1" });
    await expect(advance(deps, video, { status: "generating", progress: 0 })).rejects.toThrow(StatusTransitionError);
    const failed = await advance(deps, video, { status: "failed", error: "x" }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StatusTransitionError);
    expect(await stored(deps)).toMatchObject({ status: "ready", error: null });
  });
});
