// Durable pull jobs on a real worker app and libSQL file, with an injected clock: claims, lease
// renewal by progress, fencing of stale results, lapsed leases back in the queue with attempts
// counted, the hardware preference, and two claims at the same instant.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openLibsqlDatabase } from "../db/libsql.ts";
import { jobs } from "../db/schema.ts";
import { insertVideo } from "../db/videos.ts";
import { fakeResult, registerTestNode, softwareReport, TEST_REGISTRATION_SECRET } from "../testing/fleet-node.ts";
import { bearer, createTestApp, type TestApp } from "../testing/test-app.ts";
import { claimJob, enqueueJob } from "./job-leases.ts";
import { join } from "node:path";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const START = 1_800_000_000;
const fleetEnv = { NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET, NODE_HEARTBEAT_SECONDS: "5", JOB_LEASE_SECONDS: "30", TRANSCODE_MAX_ATTEMPTS: "2", ON_DEMAND_SESSIONS: "0" };

async function upload(app: TestApp, owner = "u1"): Promise<string> {
  const response = await app.app.request("/api/videos?title=Clip", { method: "POST", headers: { Authorization: `Bearer ${await app.tokenFor(owner)}`, "Content-Type": "video/mp4" }, body: "not really a video" });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function videoOf(app: TestApp, id: string, owner = "u1") {
  return (await (await app.app.request(`/api/videos/${id}`, bearer(await app.tokenFor(owner)))).json()) as { status: string };
}

describe("fleet jobs", () => {
  it("turns an upload into a queued job; the claiming node's progress renews its lease and its result makes the video ready", async () => {
    let clock = START;
    t = await createTestApp(fleetEnv, () => clock);
    const request = t.app.request.bind(t.app);
    const node = await registerTestNode(request, "n1");
    const videoId = await upload(t);
    expect(await videoOf(t, videoId)).toMatchObject({ status: "generating" });

    const claim = await node.claim();
    expect(claim).toMatchObject({ videoId, source: { storageKey: `uploads/${videoId}/source` }, needsTranscode: null, preferHardware: false, attempts: 1, leaseExpiresAt: new Date((START + 30) * 1000).toISOString() });
    expect(await node.claim()).toBeNull(); // one job, already leased

    clock += 20;
    const renewed = await node.progress(claim!.jobId, claim!.leaseId, 0.5);
    expect(await renewed.json()).toEqual({ leaseExpiresAt: new Date((START + 50) * 1000).toISOString() });
    clock += 25; // past the first expiry, inside the renewed one: nobody else may take it
    const other = await registerTestNode(request, "n2");
    expect(await other.claim()).toBeNull();

    await t.deps.storage.put(`${"a".repeat(64)}/master.m3u8`, new TextEncoder().encode("#EXTM3U\n"));
    expect((await node.finish(claim!.jobId, { leaseId: claim!.leaseId, status: "succeeded", result: fakeResult() })).status).toBe(204);
    expect(await videoOf(t, videoId)).toMatchObject({ status: "ready" });
  });

  it("puts a job whose lease lapsed back in the queue, refuses the old lease's result (409, nothing written), and fails the video past max attempts", async () => {
    let clock = START;
    t = await createTestApp(fleetEnv, () => clock);
    const request = t.app.request.bind(t.app);
    const dead = await registerTestNode(request, "dead");
    const alive = await registerTestNode(request, "alive");
    const videoId = await upload(t);
    const first = (await dead.claim())!;
    clock += 31;
    await alive.heartbeat(); // alive: the dead one is silent, and lost by now
    const second = (await alive.claim())!;
    expect(second).toMatchObject({ jobId: first.jobId, attempts: 2 });
    expect(second.leaseId).not.toBe(first.leaseId);

    const stale = await dead.finish(first.jobId, { leaseId: first.leaseId, status: "succeeded", result: fakeResult() });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: "lease_lost" } });
    expect((await dead.progress(first.jobId, first.leaseId, 0.9)).status).toBe(409);
    const [row] = await t.deps.db.select().from(jobs).where(eq(jobs.id, first.jobId));
    expect(row).toMatchObject({ status: "running", result: null, leaseId: second.leaseId });
    expect(await videoOf(t, videoId)).toMatchObject({ status: "generating" });

    // The second node dies too: TRANSCODE_MAX_ATTEMPTS is 2, so nobody gets it again and the video fails when asked.
    clock += 31;
    await dead.heartbeat(); // back, but the job has no attempt left
    expect(await dead.claim()).toBeNull();
    const stream = await t.app.request(`/api/videos/${videoId}/stream`, bearer(await t.tokenFor("u1")));
    expect(stream.status).toBe(422);
    expect(await stream.json()).toEqual({ status: "failed", error: "packaging gave up after 2 attempts: the transcode node running it stopped answering each time; upload the video again" });
    expect((await alive.finish(first.jobId, { leaseId: second.leaseId, status: "succeeded", result: fakeResult() })).status).toBe(409);
  });

  it("takes a released job back without counting the attempt, and a draining node claims nothing", async () => {
    t = await createTestApp(fleetEnv, () => START);
    const request = t.app.request.bind(t.app);
    const node = await registerTestNode(request, "n1");
    await upload(t);
    const first = (await node.claim())!;
    expect((await node.release(first.jobId, first.leaseId)).status).toBe(204);
    expect((await node.release(first.jobId, first.leaseId)).status).toBe(409);
    await node.heartbeat(softwareReport({ status: "draining" }));
    expect(await node.claim()).toBeNull();
    await node.heartbeat(softwareReport());
    expect(await node.claim()).toMatchObject({ jobId: first.jobId, attempts: 1 });
  });

  it("keeps a transcode for a healthy hardware node with a free slot; a software node takes it when there is none", async () => {
    let clock = START;
    t = await createTestApp(fleetEnv, () => clock);
    const request = t.app.request.bind(t.app);
    const cpu = await registerTestNode(request, "cpu");
    // A declared fake: this machine has no GPU, so the node only says it has a working NVENC.
    const gpuReport = softwareReport({ encoders: ["libx264", "h264_nvenc"], hardware: true, slots: [{ device: "nvenc", jobs: 1, sessions: 3 }] });
    const gpu = await registerTestNode(request, "gpu", gpuReport);
    await upload(t);
    const probed = (await cpu.claim())!;
    expect(probed.preferHardware).toBe(true); // unprobed, and a hardware node is free: worth probing
    // The claiming node probed: a transcode, and a hardware node is free, so it hands the job back.
    expect((await cpu.release(probed.jobId, probed.leaseId, true)).status).toBe(204);
    expect(await cpu.claim()).toBeNull();
    expect(await gpu.claim()).toMatchObject({ jobId: probed.jobId, needsTranscode: true });

    // Once the hardware node is full (or lost), the software node runs transcodes.
    await upload(t);
    const second = (await cpu.claim())!;
    await cpu.release(second.jobId, second.leaseId, true);
    await gpu.heartbeat({ ...gpuReport, slots: [{ device: "nvenc", jobs: 0, sessions: 3 }] });
    expect(await cpu.claim()).toMatchObject({ jobId: second.jobId, needsTranscode: true });
  });

  it("never gives one job to two nodes claiming at the same instant (200 rounds, two connections to one libSQL file)", async () => {
    t = await createTestApp(fleetEnv, () => START);
    const other = await openLibsqlDatabase(`file:${join(t.dir, "db.sqlite")}`);
    try {
      const a = t.deps;
      const b = { ...t.deps, db: other.db };
      const owner = "u1";
      for (let round = 0; round < 200; round++) {
        const videoId = `v${round}`;
        await insertVideo(a.db, { id: videoId, ownerId: owner, title: "x", sourceKey: `uploads/${videoId}/source` });
        // Two jobs per round and three claimants: one claimant must come away empty.
        await enqueueJob(a, { videoId, storageKey: `uploads/${videoId}/source` });
        await enqueueJob(a, { videoId, storageKey: `uploads/${videoId}/source` });
        const claims = await Promise.all([claimJob(a, { nodeId: "na", hardware: false }), claimJob(b, { nodeId: "nb", hardware: false }), claimJob(a, { nodeId: "nc", hardware: false })]);
        const got = claims.filter((c) => c !== undefined).map((c) => c.id);
        expect(got).toHaveLength(2);
        expect(new Set(got).size).toBe(2);
      }
      const rows = await a.db.select().from(jobs);
      expect(rows.every((r) => r.status === "running" && r.attempts === 1)).toBe(true);
    } finally {
      await other.close();
    }
  }, 120_000);

  it("answers 409 to another node that sends progress, a result or a release under the claiming node's lease, and writes nothing", async () => {
    t = await createTestApp(fleetEnv, () => START);
    const request = t.app.request.bind(t.app);
    const owner = await registerTestNode(request, "owner");
    const intruder = await registerTestNode(request, "intruder");
    const videoId = await upload(t);
    const claim = (await owner.claim())!;
    const answers = [
      await intruder.progress(claim.jobId, claim.leaseId, 0.7),
      await intruder.finish(claim.jobId, { leaseId: claim.leaseId, status: "failed", error: "not yours" }),
      await intruder.release(claim.jobId, claim.leaseId),
    ];
    for (const answer of answers) expect({ status: answer.status, body: await answer.json().catch(() => null) }).toMatchObject({ status: 409, body: { error: { code: "lease_lost" } } });
    const [row] = await t.deps.db.select().from(jobs).where(eq(jobs.id, claim.jobId));
    expect(row).toMatchObject({ status: "running", progress: 0, error: null, nodeId: owner.nodeId, leaseId: claim.leaseId });
    expect(await videoOf(t, videoId)).toMatchObject({ status: "generating" });
  });

  it("refuses a result whose package is not stored under its source's SHA-256, or whose thumbnails are not the package's: 400 naming the field, the video not ready", async () => {
    t = await createTestApp(fleetEnv, () => START);
    const request = t.app.request.bind(t.app);
    const node = await registerTestNode(request, "n1");
    const other = "b".repeat(64); // another video's package, already stored
    await t.deps.storage.put(`${other}/master.m3u8`, new TextEncoder().encode("#EXTM3U\n"));
    const videoId = await upload(t);
    const claim = (await node.claim())!;
    const thumbnails = { poster: "thumbnails/poster.jpg", track: "thumbnails/thumbnails.vtt", sprites: [] };
    const bad: [Partial<ReturnType<typeof fakeResult>>, string][] = [
      [{ storagePrefix: other }, "result.storagePrefix"],
      [{ sha256: "catalog/alice", storagePrefix: "catalog/alice" }, "result.sha256"],
      [{ thumbnails: { ...thumbnails, poster: `../${other}/thumbnails/poster.jpg` } }, "result.thumbnails.poster"],
      [{ thumbnails: { ...thumbnails, track: "/etc/thumbnails.vtt" } }, "result.thumbnails.track"],
    ];
    for (const [change, field] of bad) {
      const answer = await node.finish(claim.jobId, { leaseId: claim.leaseId, status: "succeeded", result: { ...fakeResult(), ...change } });
      expect({ status: answer.status, body: await answer.json().catch(() => null) }).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(new RegExp(`^${field}: `)) } } });
    }
    expect(await videoOf(t, videoId)).toMatchObject({ status: "generating" });
    await t.deps.storage.put(`${"a".repeat(64)}/master.m3u8`, new TextEncoder().encode("#EXTM3U\n"));
    expect((await node.finish(claim.jobId, { leaseId: claim.leaseId, status: "succeeded", result: { ...fakeResult(), thumbnails } })).status).toBe(204);
    expect(await videoOf(t, videoId)).toMatchObject({ status: "ready" });
  });
});
