// A pre-warm ranks below a viewer across the fleet too: the only node's one session slot holds a
// pre-warm (its heartbeat says it is full); a second pre-warm is not routed there, a viewer is, and
// the node stops the pre-warm for it.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { tempDataDir } from "../helpers/stack.ts";
import { FLEET_NODE_SECRET, fleetUntil, startFleet, type FleetStack } from "./fleet-stack.ts";

let dataDir: string;
let stack: FleetStack;
let clip: Uint8Array;

beforeAll(async () => {
  dataDir = await tempDataDir("fleet-prewarm");
  // MPEG-4 Part 2: only an encoding session plays it before packaging.
  await generateTestPattern(join(dataDir, "upload.mkv"), { seconds: 60, width: 160, height: 90, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
  clip = await readFile(join(dataDir, "upload.mkv"));
  stack = await startFleet(dataDir, { ON_DEMAND_SESSIONS: "1", PACKAGE_POLICY: "on-first-view", TRANSCODE_NODE_SECRET: FLEET_NODE_SECRET });
  await stack.startNode("p1", { publicUrl: true, extraEnv: { SESSION_MAX: "1", SESSION_PROFILE: "144" } });
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const stream = async (id: string, query = "") => {
  const response = await fetch(`${stack.worker.url}/api/videos/${id}/stream${query}`, { headers: { Authorization: `Bearer ${stack.token}` } });
  return (await response.json()) as { status: string; manifestUrl?: string };
};

describe("session slots over the fleet", () => {
  it("routes a viewer to a node full of pre-warms, and no second pre-warm", async () => {
    const [a, b] = [await stack.upload(clip, "a"), await stack.upload(clip, "b")];
    await fleetUntil(stack, (nodes) => (nodes[0]?.freeSessionSlots === 1 ? true : undefined), "the node to report its free slot");
    expect((await stream(a, "?prewarm=1")).manifestUrl).toBeDefined();
    await fleetUntil(stack, (nodes) => (nodes[0]?.freeSessionSlots === 0 ? true : undefined), "the node to report its slot taken");

    const refused = await stream(b, "?prewarm=1");
    expect([refused.status, refused.manifestUrl]).toEqual(["generating", undefined]);
    expect((await stream(b)).manifestUrl).toBeDefined(); // the node stopped a's pre-warm for it
    await fleetUntil(stack, (nodes) => (nodes[0]?.sessions.length === 1 && nodes[0].sessions[0] === b ? true : undefined), "the node to report b's session only");
  });
});
