// Registration, heartbeats and the operator's list, on a real worker app and libSQL file with an
// injected clock: `lost` is read from the last heartbeat when someone asks.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { transcodeNodes } from "../db/schema.ts";
import { registerTestNode, softwareReport, TEST_REGISTRATION_SECRET } from "../testing/fleet-node.ts";
import { bearer, createTestApp, jsonBody, type TestApp } from "../testing/test-app.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const fleetEnv = { NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET, NODE_HEARTBEAT_SECONDS: "5" };

async function adminList(app: TestApp) {
  const response = await app.app.request("/api/admin/nodes", bearer(await app.tokenFor("ops", ["admin"])));
  expect(response.status).toBe(200);
  return ((await response.json()) as { nodes: { name: string; status: string; [k: string]: unknown }[] }).nodes;
}

describe("fleet registration and heartbeats", () => {
  it("registers a node with its own credential, stores only its hash, and lists what it reported", async () => {
    let clock = 1_800_000_000;
    t = await createTestApp(fleetEnv, () => clock);
    const node = await registerTestNode(t.app.request.bind(t.app), "gpu-1", softwareReport({ encoders: ["libx264", "h264_nvenc"], hardware: true, slots: [{ device: "nvenc", jobs: 2, sessions: 3 }, { device: "software", jobs: 1, sessions: 1 }], runningSessions: ["v9"] }));
    const [row] = await t.deps.db.select().from(transcodeNodes).where(eq(transcodeNodes.id, node.nodeId));
    expect(JSON.stringify(row)).not.toContain(node.credential);
    expect(row!.credentialHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await adminList(t)).toEqual([
      {
        id: node.nodeId, name: "gpu-1", status: "healthy", url: "http://127.0.0.1:1/gpu-1", lastHeartbeatAt: new Date(clock * 1000).toISOString(),
        encoders: ["libx264", "h264_nvenc"], hardware: true, slots: [{ device: "nvenc", jobs: 2, sessions: 3 }, { device: "software", jobs: 1, sessions: 1 }],
        freeJobSlots: 3, freeSessionSlots: 4, packaging: [], sessions: ["v9"], load: 0.5,
      },
    ]);
  });

  it("marks a node lost after three missed heartbeat intervals, and healthy again when it heartbeats", async () => {
    let clock = 1_800_000_000;
    t = await createTestApp(fleetEnv, () => clock);
    const node = await registerTestNode(t.app.request.bind(t.app), "n1");
    clock += 15; // exactly three intervals: not yet
    expect((await adminList(t))[0]!.status).toBe("healthy");
    clock += 1;
    expect((await adminList(t))[0]!.status).toBe("lost");
    expect((await node.heartbeat(softwareReport({ status: "draining" }))).status).toBe(204);
    expect((await adminList(t))[0]!.status).toBe("draining");
  });

  it("gives a re-registering name a new credential and refuses the old one", async () => {
    t = await createTestApp(fleetEnv);
    const request = t.app.request.bind(t.app);
    const first = await registerTestNode(request, "n1");
    const second = await registerTestNode(request, "n1");
    expect(second.nodeId).toBe(first.nodeId);
    expect(second.credential).not.toBe(first.credential);
    const refused = await first.heartbeat();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect((await second.heartbeat()).status).toBe(204);
  });

  it("refuses a wrong registration secret, a bad report, a fleet that is off, and viewers on the admin list", async () => {
    t = await createTestApp(fleetEnv);
    const request = t.app.request.bind(t.app);
    await expect(registerTestNode(request, "n1", softwareReport(), "x".repeat(40))).rejects.toThrow(/registration answered 401/);
    const bad = await t.app.request("/api/nodes/register", jsonBody(TEST_REGISTRATION_SECRET, "POST", { name: "n1", report: { ...softwareReport(), load: -1 } }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringContaining("report.load") } });
    const viewer = await t.app.request("/api/admin/nodes", bearer(await t.tokenFor("someone")));
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ error: { code: "forbidden" } });
    await t.close();

    t = await createTestApp({});
    const off = await t.app.request("/api/nodes/register", jsonBody(TEST_REGISTRATION_SECRET, "POST", { name: "n1", report: softwareReport() }));
    expect(off.status).toBe(404);
    expect(await off.json()).toMatchObject({ error: { code: "no_fleet" } });
  });

  it("DELETE refuses a node that still heartbeats (409: stop it first) and forgets a lost one", async () => {
    let clock = 1_800_000_000;
    t = await createTestApp(fleetEnv, () => clock);
    const node = await registerTestNode(t.app.request.bind(t.app), "n1");
    const remove = async () => t!.app.request(`/api/admin/nodes/${node.nodeId}`, { method: "DELETE", ...bearer(await t!.tokenFor("ops", ["admin"])) });

    const alive = await remove();
    expect(alive.status).toBe(409);
    expect(await alive.json()).toEqual({ error: { code: "node_alive", message: "node n1 is healthy and still heartbeats: stop it (SIGTERM) first; only a lost node can be removed" } });
    expect((await node.heartbeat()).status).toBe(204); // its credential still works
    expect((await node.heartbeat(softwareReport({ status: "draining" }))).status).toBe(204);
    expect((await remove()).status).toBe(409);

    clock += 16; // three missed intervals: lost
    expect((await remove()).status).toBe(204);
    expect(await adminList(t)).toEqual([]);
    expect((await node.heartbeat()).status).toBe(401); // a lost node that comes back must register again
    expect((await remove()).status).toBe(404);
  });
});
