// A video that is not packaged yet, played in Chromium through an on-demand session: /stream answers
// 202 with a session manifest, the player starts at once, and a far seek is served by a restarted
// encoder. The worker proxies and signs everything; no job packages the video (on-first-view).
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { demoSignIn, uploadFile } from "../helpers/viewer-api.ts";

let dataDir: string;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let videoId: string;
const segmentRequests: string[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-session");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 4, env: { ...TEST_SECRETS, PACKAGE_POLICY: "on-first-view" }, nodeEnv: { SESSION_PROFILE: "180" } });
  // MPEG-4 Part 2: not playable by browsers, so only a transcode (here: the session) can play it.
  const source = join(dataDir, "upload.mkv");
  await generateTestPattern(source, { seconds: 60, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
  videoId = await uploadFile(stack.worker.url, await demoSignIn(stack.worker.url, "demo"), source, "Fresh upload", "video/x-matroska");
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("request", (request) => {
    const match = /\/(seg_\d{5})\.m4s\?/.exec(request.url());
    if (match) segmentRequests.push(match[1]!);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const playhead = () => page.evaluate(() => document.querySelector("edgestream-player")!.video.currentTime);
const failed = () => page.evaluate(() => document.querySelector("#status.error")?.textContent ?? null);

describe("on-demand session in Chromium", () => {
  it("starts playing a video that is not packaged yet", async () => {
    await page.goto(`${stack.demoUrl}?play=${videoId}`);
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video?.currentTime ?? 0) > 2 || document.querySelector("#status.error"), null, { timeout: 60_000 });
    expect(await failed()).toBeNull();
    expect(await playhead()).toBeGreaterThan(2);
    const status = await fetch(`${stack.worker.url}/healthz`);
    expect(status.status).toBe(200);
  });

  it("seeks far ahead, to 80 %, and plays on from there", async () => {
    await page.evaluate(() => {
      document.querySelector("edgestream-player")!.video.currentTime = 48;
    });
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video?.currentTime ?? 0) > 50 || document.querySelector("#status.error"), null, { timeout: 60_000 });
    expect(await failed()).toBeNull();
    expect(await playhead()).toBeGreaterThan(50);
    expect(segmentRequests).toContain("seg_00012"); // 48 s: served by an encoder restarted there
  });
});
