// A viewer plays a not-yet-packaged video in Chromium through an on-demand session that the worker
// routed to one of two fleet nodes (rendezvous hashing); that node is SIGKILLed mid-playback. The
// dead node holds no session any more (the gate answers 410), the SDK refreshes its token, /stream
// opens the session on the next node in line, and playback goes on without a new loadSource.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { schema } from "@edgestream/worker";
import type { TestLog } from "../e2e/pages/player-page.ts";
import { groupMembers } from "../faults/child-process.ts";
import { launchChromium } from "../helpers/browser.ts";
import { until } from "../helpers/processes.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { FLEET_NODE_SECRET, startFleet, type FleetStack } from "./fleet-stack.ts";

let dataDir: string;
let stack: FleetStack;
let pages: SdkPageServer;
let browser: Browser;
let page: Page;
let videoId: string;

// Every node makes its session with the same profile (same height, same x264 settings, the same 4 s
// grid and absolute timestamps), so the next node's segments append to what the player holds.
const nodeEnv = { SESSION_PROFILE: "180", SESSION_AHEAD_SEGMENTS: "2", LADDER: "180" };

beforeAll(async () => {
  dataDir = await tempDataDir("fleet-session");
  const source = join(dataDir, "upload.mkv");
  // MPEG-4 Part 2: browsers cannot play it, so only a session can, before any packaging.
  await generateTestPattern(source, { seconds: 90, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
  stack = await startFleet(dataDir, { ON_DEMAND_SESSIONS: "1", PACKAGE_POLICY: "on-first-view", TRANSCODE_NODE_SECRET: FLEET_NODE_SECRET });
  await Promise.all(["s1", "s2"].map((name) => stack.startNode(name, { publicUrl: true, extraEnv: nodeEnv })));
  videoId = await stack.upload(await readFile(source), "fresh", "public");
  pages = await startSdkPages(stack.worker.url);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const currentTime = () => page.evaluate(() => document.querySelector("video")!.currentTime);
const sessionNodeId = async () => (await stack.worker.deps.db.select().from(schema.videos).where(eq(schema.videos.id, videoId)))[0]!.nodeSessionId?.slice(0, 21);

describe("an on-demand session's node dies while a viewer plays", () => {
  it("resumes playback on the next node after the SDK's refresh", async () => {
    await page.goto(`${pages.url}player.html?${new URLSearchParams({ video: videoId, viewer: "viewer" })}`);
    await page.waitForFunction(() => document.querySelector("video")!.currentTime > 4, null, { timeout: 120_000 });
    const nodes = await stack.nodesView();
    const firstId = await sessionNodeId();
    const first = nodes.find((n) => n.id === firstId)!;
    const second = nodes.find((n) => n.id !== firstId)!;
    expect(first).toBeDefined();

    const child = stack.nodes.get(first.name)!;
    const atKill = await currentTime();
    await child.kill("SIGKILL");
    // What the player held from the dead node: playing past it needs the next node's segments.
    const bufferedAtKill = await page.evaluate(() => {
      const { buffered } = document.querySelector("video")!;
      return buffered.length ? buffered.end(buffered.length - 1) : 0;
    });
    stack.nodes.delete(first.name);
    await until(async () => ((await groupMembers(child.pid)).length === 0 ? true : undefined), "the killed node's ffmpeg to be gone", 30_000);

    // Sample the playhead until it is 8 s past everything the player had buffered when the node died,
    // recording the longest stretch it stood still.
    const samples: { at: number; t: number }[] = [];
    await until(async () => {
      samples.push({ at: Date.now(), t: await currentTime() });
      return samples.at(-1)!.t > bufferedAtKill + 8 ? true : undefined;
    }, "playback to go on 8 s past what was buffered at the kill", 180_000, 100);
    let gapMs = 0;
    for (let i = 1, still = samples[0]!.at; i < samples.length; i++) {
      if (samples[i]!.t > samples[i - 1]!.t) still = samples[i]!.at;
      gapMs = Math.max(gapMs, samples[i]!.at - still);
    }
    console.log(`session failover: node killed at ${atKill.toFixed(1)} s with ${bufferedAtKill.toFixed(1)} s buffered; the playhead stood still for at most ${gapMs} ms`);

    expect(await sessionNodeId()).toBe(second.id);
    const log = await page.evaluate(() => (window as unknown as { testLog: TestLog }).testLog);
    expect(log.hls.loadSource).toBe(1);
    expect(log.events.filter((e) => e.event === "error")).toEqual([]);
    expect(log.events.some((e) => e.event === "tokenrefreshed")).toBe(true);
  });
});
