// The demo's DASH switch in Chromium against the whole stack (`startStack()`, what `npm start` runs):
// from the player page, "Play over DASH" plays the sample's MPD with Shaka Player, and lists the
// package's audio and subtitle tracks from Shaka's track API. Stream tokens last 6 s here (no clock
// skew leeway), so playing 20 s of media needs the page to renew its token on the way. The sample is
// the showcase the real packager made from a source with English and German audio and subtitles: the
// menus list both languages and both subtitle tracks, and they switch.
// A screenshot goes to tests/e2e/output/.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, pathTokenOf } from "@edgestream/contracts";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));
let dataDir: string;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
const TOKEN_TTL_SECONDS = 6;
const PLAY_SECONDS = 20;
const hlsPaths: { path: string; status: number }[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-demo-dash");
  await mkdir(OUTPUT, { recursive: true });
  // The showcase sample (no sampleSeconds): what `npm start` shows, two languages and subtitles.
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, env: { ...TEST_SECRETS, STREAM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: "0" } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  consoleErrors = collectConsoleErrors(page);
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith("/hls/")) hlsPaths.push({ path, status: response.status() });
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the demo over DASH", () => {
  it("switches the player page to DASH and plays through several token lifetimes, with the track menus filled", async () => {
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    await page.click("#dash-switch");
    await page.waitForFunction((end) => (document.querySelector<HTMLVideoElement>("#dash-video")?.currentTime ?? 0) > end || document.querySelector("#status.error"), PLAY_SECONDS, { timeout: 120_000 });
    expect(await page.textContent("#status")).toBe("Playing");
    expect(page.url()).toMatch(/#\/watch\/[^/]+\/dash$/);
    // The showcase's two audio languages and two subtitle tracks, as the packager labelled them.
    expect(await page.locator("#dash-audio option").allTextContents()).toEqual(["English", "German"]);
    expect(await page.locator("#dash-text option").allTextContents()).toEqual(["Off", "English", "German"]);
    const manifest = await page.textContent('[data-fact="Manifest"]');
    expect(manifest).toMatch(new RegExp(`^/hls/[^/]+/${DASH_MANIFEST.replace(".", "\\.")}$`));
    // Every DASH request carried a token in its path and was answered: after the first token
    // expired, the page's request filter had fetched a fresh one from /stream.
    const dash = hlsPaths.slice(hlsPaths.findIndex((r) => r.path.endsWith(".mpd")));
    expect(dash.some((r) => r.path.endsWith("/seg_00005.m4s"))).toBe(true);
    expect(dash.filter((r) => r.status !== 200 || !pathTokenOf(r.path))).toEqual([]);
    expect(new Set(dash.map((r) => pathTokenOf(r.path))).size).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(OUTPUT, "demo-dash-desktop.png"), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it("goes back to HLS with the SDK's player", async () => {
    await page.click("#hls-switch");
    await page.waitForSelector("edgestream-player");
    expect(await page.locator("#dash-video").count()).toBe(0);
  });

  it("switches the sample's audio to German and its subtitles to German through Shaka", async () => {
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}/dash`);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>("#dash-video")?.currentTime ?? 0) > 0.5 || document.querySelector("#status.error"), null, { timeout: 60_000 });
    expect(await page.textContent("#status")).toBe("Playing");
    await page.selectOption("#dash-audio", { label: "German" });
    await page.selectOption("#dash-text", { label: "German" });
    // Shaka's own state follows the menus: German audio active, the German subtitles showing.
    await page.waitForFunction(() => [...document.querySelector<HTMLVideoElement>("#dash-video")!.textTracks].some((t) => t.mode === "showing" && t.language === "de"), null, { timeout: 30_000 });
    await expect.poll(() => hlsPaths.some((r) => /\/audio_1\/seg_\d{5}\.m4s$/.test(r.path) && r.status === 200), { timeout: 30_000 }).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
