// The player SDK's last resort in headless Chromium: a page with neither Media Source Extensions nor
// native HLS (MediaSource and ManagedMediaSource removed, canPlayType answering "" for HLS, before the
// SDK loads) plays the package's progressive MP4 through its signed mp4Url, and an MP4 URL whose
// token expired before the element asked for it is refreshed and resumed, not fatal.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathTokenOf, PROGRESSIVE_MP4 } from "@edgestream/contracts";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import type { TestLog } from "./pages/record.ts";

const TOKEN_TTL_SECONDS = 6;

let dataDir: string;
let stack: RunningStack;
let pages: SdkPageServer;
let browser: Browser;

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-mp4");
  // A sample cache of its own: the shared one may hold a package made before progressive MP4s.
  process.env["EDGESTREAM_SAMPLE_CACHE"] = join(dataDir, "sample-cache");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 12, env: { ...TEST_SECRETS, STREAM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: "0" } });
  pages = await startSdkPages(stack.worker.url);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs in the page before any of its scripts: no MSE, no native HLS; optionally no preloading. */
function withoutHls(preloadNone: boolean) {
  const w = window as unknown as Record<string, unknown>;
  delete w["MediaSource"];
  delete w["ManagedMediaSource"];
  delete w["WebKitMediaSource"];
  const canPlayType = HTMLMediaElement.prototype.canPlayType;
  HTMLMediaElement.prototype.canPlayType = function (type: string) {
    return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
  };
  if (preloadNone) {
    new MutationObserver(() => document.querySelectorAll("video").forEach((v) => (v.preload = "none"))).observe(document, { childList: true, subtree: true });
  }
}

interface Opened {
  page: Page;
  media: { url: string; status: number }[];
}

async function open(viewer: string, options: Record<string, unknown>, preloadNone = false): Promise<Opened> {
  const page = await browser.newPage();
  const media: Opened["media"] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/hls/")) media.push({ url: r.url(), status: r.status() });
  });
  await page.addInitScript(withoutHls, preloadNone);
  const query = new URLSearchParams({ video: stack.sampleVideoId, viewer, options: JSON.stringify({ heartbeatIntervalMs: 0, progressIntervalMs: 0, resume: false, ...options }) });
  await page.goto(`${pages.url}player.html?${query}`);
  return { page, media };
}

const testLog = (page: Page) => page.evaluate(() => (window as unknown as { testLog: TestLog }).testLog);

async function waitForTime(page: Page, past: number): Promise<void> {
  await page.waitForFunction(
    (p) => {
      const log = (window as unknown as { testLog: TestLog }).testLog;
      return document.querySelector("video")!.currentTime > p || log.events.some((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal);
    },
    past,
    { timeout: 90_000 },
  );
}

const isMp4 = (url: string) => new URL(url).pathname.endsWith(`/${PROGRESSIVE_MP4}`);

describe("progressive MP4 fallback in Chromium", () => {
  it("plays the signed MP4 when the page has neither MSE nor native HLS", async () => {
    const { page, media } = await open("mp4-viewer", { autoplay: true });
    expect(await page.evaluate(() => [typeof (window as unknown as Record<string, unknown>)["MediaSource"], document.createElement("video").canPlayType("application/vnd.apple.mpegurl")])).toEqual(["undefined", ""]);
    await waitForTime(page, 3);
    const log = await testLog(page);
    const context = JSON.stringify({ events: log.events, media });
    expect(log.events.filter((e) => e.event === "error"), context).toEqual([]);
    expect(log.events.find((e) => e.event === "ready")?.data, context).toMatchObject({ engine: "mp4" });
    expect(log.hls.loadSource, context).toBe(0);
    expect(await page.evaluate(() => document.querySelector("video")!.currentSrc)).toMatch(new RegExp(`/${PROGRESSIVE_MP4}$`));
    // Only the MP4, every request with its token in the path, every answer 200 or 206.
    const files = media.filter((m) => !/\.(jpg|vtt)(\?|$)/.test(new URL(m.url).pathname));
    expect(files.length, context).toBeGreaterThan(0);
    expect(files.filter((m) => !isMp4(m.url) || !pathTokenOf(new URL(m.url).pathname) || ![200, 206].includes(m.status)), context).toEqual([]);
    await page.close();
  }, 120_000);

  it("an MP4 URL whose token expired before the element asked gets a fresh token and plays", async () => {
    // No refresh ahead and no preloading: the first request for the MP4 goes out after the token ended.
    const { page, media } = await open("mp4-late", { autoplay: false, refreshAheadSeconds: false }, true);
    await page.waitForFunction(() => (window as unknown as { testLog: TestLog }).testLog.events.some((e) => e.event === "ready"), null, { timeout: 60_000 });
    const first = (await testLog(page)).events.find((e) => e.event === "ready")!.data as { manifestUrl: string };
    const expiry = Number(pathTokenOf(new URL(first.manifestUrl, pages.url).pathname)!.split(".")[1]);
    expect(media.filter((m) => isMp4(m.url))).toEqual([]);
    // Until the worker says the token is over (judged by its answer, not by our clock).
    const stale = new URL(first.manifestUrl.replace(/master\.m3u8$/, PROGRESSIVE_MP4), stack.worker.url).href;
    await expect.poll(async () => (await fetch(stale)).status, { timeout: (TOKEN_TTL_SECONDS + 30) * 1000, interval: 500 }).toBe(410);

    // The viewer presses play: the element asks for the MP4 only now, with the token that ended.
    await page.evaluate(() => void document.querySelector("video")!.play().catch(() => {}));
    await waitForTime(page, 2);
    const log = await testLog(page);
    const context = JSON.stringify({ events: log.events, media, expiry });
    expect(log.events.filter((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal), context).toEqual([]);
    const mp4 = media.filter((m) => isMp4(m.url));
    const tokenOfUrl = (url: string) => pathTokenOf(new URL(url).pathname)!;
    expect(mp4[0], context).toMatchObject({ status: 410 });
    const served = mp4.filter((m) => m.status === 200 || m.status === 206);
    expect(served.length, context).toBeGreaterThan(0);
    expect(served.every((m) => tokenOfUrl(m.url) !== tokenOfUrl(mp4[0]!.url) && Number(tokenOfUrl(m.url).split(".")[1]) > expiry), context).toBe(true);
    expect(log.events.filter((e) => e.event === "tokenrefreshed").length, context).toBeGreaterThan(0);
    expect(log.events.some((e) => e.event === "recovered" && (e.data as { from: string }).from === "native-reload"), context).toBe(true);
    await page.close();
  }, 180_000);
});
