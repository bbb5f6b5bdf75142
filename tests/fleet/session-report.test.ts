// GET /api/admin/nodes lists, for each node, the videos it serves on-demand sessions for (issue 12),
// as reported in the node's heartbeat: a real worker and a real node process, a session opened by /stream.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { tempDataDir } from "../helpers/stack.ts";
import { FLEET_NODE_SECRET, fleetUntil, startFleet, type FleetStack } from "./fleet-stack.ts";

let dataDir: string;
let stack: FleetStack;

beforeAll(async () => {
  dataDir = await tempDataDir("fleet-session-report");
  stack = await startFleet(dataDir, { ON_DEMAND_SESSIONS: "1", PACKAGE_POLICY: "on-first-view", TRANSCODE_NODE_SECRET: FLEET_NODE_SECRET });
  await stack.startNode("s1", { publicUrl: true, extraEnv: { SESSION_PROFILE: "144", SESSION_AHEAD_SEGMENTS: "1", LADDER: "144" } });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a node's heartbeat report", () => {
  it("names the videos its open sessions serve, not the node's own session ids", async () => {
    const source = join(dataDir, "upload.mkv");
    // MPEG-4 Part 2: only a session can play it before packaging.
    await generateTestPattern(source, { seconds: 20, width: 160, height: 90, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
    const videoId = await stack.upload(await readFile(source), "session-report", "public");
    await stack.stream(videoId); // opens the session (the answer may still be 202 while it starts)
    const [node] = await fleetUntil(stack, (nodes) => (nodes.some((n) => n.sessions.length > 0) ? nodes : undefined), "a node to report an open session");
    expect(node!.sessions).toEqual([videoId]);
  }, 240_000);
});
