// Pre-warm in Chromium: hovering a library card for a moment runs prewarm() (/stream, master, first
// playlist, first segment), so a video nobody has played yet (on-first-view: no job, no session)
// has its on-demand session running before play; the player page then starts from that /stream
// answer without asking again.
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
let token: string;
const responses: { url: string; status: number }[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-prewarm");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 4, env: { ...TEST_SECRETS, PACKAGE_POLICY: "on-first-view" }, nodeEnv: { SESSION_PROFILE: "180" } });
  // MPEG-4 Part 2: only a transcode (here: the session) can play it.
  const source = join(dataDir, "fresh.mkv");
  await generateTestPattern(source, { seconds: 20, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
  token = await demoSignIn(stack.worker.url, "demo");
  videoId = await uploadFile(stack.worker.url, token, source, "Fresh upload", "video/x-matroska");
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("response", (response) => responses.push({ url: response.url(), status: response.status() }));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const videoStatus = async () => ((await (await fetch(`${stack.worker.url}/api/videos/${videoId}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { status: string }).status;
const streamCalls = () => responses.filter((r) => r.url.includes(`/api/videos/${videoId}/stream`)).length;

describe("pre-warm in Chromium", () => {
  it("has the on-demand session running and its first segment fetched before play", async () => {
    await page.goto(stack.demoUrl);
    const card = page.locator(`[data-video-id="${videoId}"]`);
    await card.waitFor();
    expect(await videoStatus()).toBe("pending"); // nobody asked yet: no session, no job
    await card.hover();
    await page.waitForFunction(
      () => performance.getEntriesByType("resource").some((entry) => /\/seg_00000\.m4s/.test(entry.name)),
      null,
      { timeout: 90_000 },
    );
    const segment = responses.find((r) => /\/hls\/.*seg_00000\.m4s/.test(r.url));
    expect(segment?.status).toBe(200);
    expect(await videoStatus()).toBe("generating");
    expect(await page.evaluate(() => document.querySelector("edgestream-player"))).toBeNull(); // no player yet: this was the pre-warm
  });

  it("starts the player from the pre-warmed /stream answer", async () => {
    const before = streamCalls();
    await page.locator(`[data-video-id="${videoId}"] a`).click();
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video.currentTime ?? 0) > 1 || document.querySelector("#status.error"), null, { timeout: 90_000 });
    expect(await page.locator("#status.error").count()).toBe(0);
    expect(await page.locator('[data-fact="Pre-warmed"]').textContent()).toBe("yes");
    expect(streamCalls()).toBe(before);
  });
});
