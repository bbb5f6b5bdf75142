// The whole stack in a real browser: `startStack()` (what `npm start` runs) with its generated
// sample video, the demo page in headless Chromium, hls.js through the player SDK, every request
// signed. Fails when signing, rewriting or the gate breaks: unsigned or wrongly signed segment
// requests get 403 and playback never passes 3 s.
import { rm } from "node:fs/promises";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStreamToken } from "@edgestream/worker";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { launchChromium } from "../helpers/browser.ts";
import { pathTokenOf, tokenOf, withToken } from "@edgestream/contracts";
import { tamper, TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

let dataDir: string;
let stack: RunningStack;
let browser: Browser;
let page: Page;
const mediaResponses: Response[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 12, env: TEST_SECRETS });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("response", (response) => {
    if (/\/hls\//.test(response.url())) mediaResponses.push(response);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("signed playback in Chromium", () => {
  it("plays the demo video through signed URLs past 3 s", async () => {
    await page.goto(`${stack.demoUrl}?play=${stack.sampleVideoId}`);
    // Stop waiting as soon as the player reports an error, so a broken path fails fast and says why.
    await page.waitForFunction(
      () => (document.querySelector("edgestream-player")?.video?.currentTime ?? 0) > 3 || document.querySelector("#status.error"),
      null,
      { timeout: 60_000 },
    );
    expect(await page.textContent("#status")).toBe("Playing");
    expect(await page.evaluate(() => document.querySelector("edgestream-player")!.video.currentTime)).toBeGreaterThan(3);

    const segments = mediaResponses.filter((r) => /\.m4s$/.test(new URL(r.url()).pathname));
    expect(segments.length).toBeGreaterThanOrEqual(1);
    expect(mediaResponses.every((r) => r.status() === 200)).toBe(true);
    // The packaged sample plays in the path form: the token is in every playlist's and segment's
    // path, playlists unrewritten. (The poster and the thumbnails track keep the query form.)
    const hlsMedia = mediaResponses.filter((r) => /\.(m3u8|m4s|mp4|ts)$/.test(new URL(r.url()).pathname));
    expect(hlsMedia.length).toBeGreaterThan(segments.length);
    expect(hlsMedia.filter((r) => !pathTokenOf(new URL(r.url()).pathname)).map((r) => r.url())).toEqual([]);
    expect(await page.evaluate(() => document.querySelector("edgestream-player")!.video.error)).toBeNull();
  });

  it("gets 403 for a tampered segment URL and 410 for an expired one, readable cross-origin", async () => {
    const segment = mediaResponses.find((r) => /\.m4s$/.test(new URL(r.url()).pathname));
    if (!segment) throw new Error("no segment was requested: see the playback test above");
    const sameOrigin = new URL(segment.url());
    const token = tokenOf(sameOrigin)!;
    // Ask the worker directly, from the demo page's origin: the status is only readable with CORS headers.
    const direct = new URL(sameOrigin.pathname + sameOrigin.search, stack.worker.url).href;
    const [, , vid, src] = token.split(".");
    const expiredToken = await signStreamToken(stack.worker.deps.keyring, { exp: Math.floor(Date.now() / 1000) - 600, vid: vid!, src: src! });

    // From a page of the demo's origin that ignores its CSP: the demo page itself only connects to
    // 'self' (through Vite's proxy), and this checks the worker's CORS headers, not the demo's policy.
    const context = await browser.newContext({ bypassCSP: true });
    const crossOrigin = await context.newPage();
    await crossOrigin.goto(stack.demoUrl);
    const statuses = await crossOrigin.evaluate(
      async (urls) => Promise.all(urls.map(async (url) => (await fetch(url, { cache: "no-store" })).status)),
      [direct, withToken(new URL(direct), tamper(token)).href, withToken(new URL(direct), expiredToken).href],
    );
    await context.close();
    expect(statuses).toEqual([200, 403, 410]);
  });
});
