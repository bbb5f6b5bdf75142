// A pre-warm ranks below a playing viewer, for real: a node with two session slots (SESSION_MAX=2),
// ffmpeg encoding generated sources. A viewer's start stops the pre-warm session (and its encoder),
// a pre-warm is refused when the slots are full, a viewer is never stopped, and playing promotes.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { segmentName, type NodeSessionState } from "@edgestream/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeServer } from "../server.ts";
import { generateTestPattern } from "../test-pattern.ts";
import { alive } from "../testing/processes.ts";

const SECRET = "s".repeat(40);
const AUTH = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
let dir: string;
let node: Awaited<ReturnType<typeof startNodeServer>>;
const source = (name: string) => join(dir, `${name}.mp4`);

async function start(name: string, lease: string, priority?: "viewer" | "prewarm") {
  const response = await fetch(`${node.url}/v1/sessions`, { method: "POST", headers: AUTH, body: JSON.stringify({ source: { path: source(name) }, lease, ...(priority ? { priority } : {}) }) });
  return { status: response.status, body: (await response.json()) as NodeSessionState & { error?: { code: string; message: string } } };
}

async function state(id: string): Promise<NodeSessionState | null> {
  const response = await fetch(`${node.url}/v1/sessions/${id}`, { headers: AUTH });
  return response.status === 404 ? null : ((await response.json()) as NodeSessionState);
}

async function release(id: string, lease: string) {
  expect((await fetch(`${node.url}/v1/sessions/${id}?lease=${lease}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-prewarm-rank-"));
  await generateTestPattern(source("a"), { seconds: 120, width: 160, height: 90, fps: 25 });
  for (const name of ["b", "c", "d"]) await copyFile(source("a"), source(name));
  node = await startNodeServer({
    NODE_SECRET: SECRET, PORT: "0", STORAGE_DIR: join(dir, "storage"), WORK_DIR: join(dir, "work"), SOURCE_DIR: dir,
    HWACCEL: "software", SESSION_PROFILE: "144", SESSION_COPY: "false", SESSION_MAX: "2",
    // Ranking is judged here, not speed: on a busy machine a segment may take longer than the default 20 s wait.
    SESSION_WAIT_MS: "120000",
  });
});
afterAll(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("session slots: a pre-warm ranks below a viewer", () => {
  it("a viewer's start stops the pre-warm session; a pre-warm, or a viewer at a node full of viewers, is refused", async () => {
    const warm = await start("a", "page-1", "prewarm");
    expect([warm.status, warm.body.priority]).toEqual([201, "prewarm"]);
    const viewer = await start("b", "viewer-1");
    expect([viewer.status, viewer.body.priority]).toEqual([201, "viewer"]);

    const refused = await start("c", "page-2", "prewarm");
    expect(refused.status).toBe(503);
    expect(refused.body.error).toEqual({ code: "at_capacity", message: "this node already runs 2 sessions (SESSION_MAX): a pre-warm waits for a free slot" });

    const warmPids = (await state(warm.body.id))!.encoderPids;
    expect(warmPids.length).toBeGreaterThan(0); // 30 segments: its encoder parks ahead, it does not finish
    const second = await start("c", "viewer-2");
    expect(second.status).toBe(201);
    expect(await state(warm.body.id)).toBeNull(); // the pre-warm made way
    expect(warmPids.filter(alive)).toEqual([]); // and its encoder is gone (stop waits for it)

    const third = await start("d", "viewer-3");
    expect(third.status).toBe(503); // no viewer is stopped for another
    expect((await state(viewer.body.id))?.status).toBe("running");
    expect((await state(second.body.id))?.status).toBe("running");
    await release(viewer.body.id, "viewer-1");
    await release(second.body.id, "viewer-2");
  });

  it("a pre-warm session is a viewer's once a viewer attaches, or once a segment past the first is asked", async () => {
    const attached = await start("a", "page-1", "prewarm");
    expect((await start("a", "viewer-1")).body).toMatchObject({ id: attached.body.id, priority: "viewer" });

    const played = await start("b", "page-2", "prewarm");
    const master = await (await fetch(`${node.url}/v1/sessions/${played.body.id}/master.m3u8`, { headers: AUTH })).text();
    const rendition = master.split("\n").find((l) => l.endsWith("/index.m3u8"))!.replace("/index.m3u8", "");
    const file = (name: string) => fetch(`${node.url}/v1/sessions/${played.body.id}/${rendition}/${name}?lease=page-2`, { headers: AUTH });
    for (const name of ["init.mp4", segmentName(0)]) expect((await file(name)).status).toBe(200); // what a pre-warm fetches
    expect((await state(played.body.id))?.priority).toBe("prewarm");
    expect((await file(segmentName(1))).status).toBe(200);
    expect((await state(played.body.id))?.priority).toBe("viewer");

    expect((await start("c", "viewer-3")).status).toBe(503); // both are viewers' now: neither is stopped
    await release(attached.body.id, "page-1");
    await release(attached.body.id, "viewer-1");
    await release(played.body.id, "page-2");
  });
});
