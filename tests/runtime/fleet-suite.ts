// The fleet's node API over real HTTP against a worker runtime: registration, the admin list, two
// nodes claiming at the same instant (many rounds: never the same job), fencing, and a result that
// makes the video ready. Run under workerd, where claims are statements on D1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeResult, registerTestNode, TEST_REGISTRATION_SECRET, type TestFleetNode } from "../../worker/src/testing/fleet-node.ts";
import type { RuntimeTarget } from "./route-suite.ts";

export const FLEET_SUITE_ENV = { NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET };

/** A package is stored under its source's SHA-256 (JobResultSchema): a made-up one. */
const PACKAGE = "fe".repeat(32);

export function describeFleetRoutes(runtime: string, start: () => Promise<RuntimeTarget>): void {
  describe(`fleet routes under ${runtime}`, () => {
    let target: RuntimeTarget;
    let token: string;
    let a: TestFleetNode;
    let b: TestFleetNode;
    const upload = async () => {
      const response = await fetch(`${target.url}/api/videos?title=Upload`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "video/mp4" }, body: new Uint8Array(1024).fill(3) });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };

    beforeAll(async () => {
      target = await start();
      await target.seed(`${PACKAGE}/master.m3u8`, "#EXTM3U\n");
      token = ((await (await fetch(`${target.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"ops"}' })).json()) as { token: string }).token;
      const request = (path: string, init?: RequestInit) => fetch(`${target.url}${path}`, init);
      a = await registerTestNode(request, "node-a");
      b = await registerTestNode(request, "node-b");
    });
    afterAll(() => target?.close());

    it("lists registered nodes for an operator (demo mode)", async () => {
      const response = await fetch(`${target.url}/api/admin/nodes`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const { nodes } = (await response.json()) as { nodes: { name: string; status: string }[] };
      expect(nodes.map((n) => [n.name, n.status])).toEqual([["node-a", "healthy"], ["node-b", "healthy"]]);
    });

    it("never gives one job to two nodes claiming at the same instant (20 rounds)", async () => {
      for (let round = 0; round < 20; round++) {
        const videoId = await upload();
        const [fromA, fromB] = await Promise.all([a.claim(), b.claim()]);
        expect([fromA, fromB].filter((c) => c !== null)).toHaveLength(1);
        const [node, claim] = fromA ? [a, fromA] : [b, fromB!];
        expect(claim).toMatchObject({ videoId, attempts: 1 });
        // Done with this round's job, under its lease, so the next round's upload is the only one queued.
        expect((await node.finish(claim.jobId, { leaseId: claim.leaseId, status: "failed", error: "test: next round" })).status).toBe(204);
      }
    });

    it("refuses a stale lease and makes the video ready on the current lease's result", async () => {
      const videoId = await upload();
      const claim = (await a.claim())!;
      expect((await a.finish(claim.jobId, { leaseId: "not-the-lease", status: "succeeded", result: fakeResult(PACKAGE) })).status).toBe(409);
      expect((await a.finish(claim.jobId, { leaseId: claim.leaseId, status: "succeeded", result: fakeResult(PACKAGE) })).status).toBe(204);
      const video = (await (await fetch(`${target.url}/api/videos/${videoId}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { status: string };
      expect(video.status).toBe("ready");
    });
  });
}
