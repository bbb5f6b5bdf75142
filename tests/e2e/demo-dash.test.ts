// The demo's DASH switch in Chromium against the whole stack (`startStack()`, what `npm start` runs):
// from the player page, "Play over DASH" plays the sample's MPD with Shaka Player, and lists the
// package's audio and subtitle tracks from Shaka's track API. Stream tokens last 6 s here (no clock
// skew leeway), so playing 20 s of media needs the page to renew its token on the way. A two-language
// film (helpers/dash-film.ts) fills the menus with both languages and its subtitles, and they switch.
// A screenshot goes to tests/e2e/output/.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, pathTokenOf } from "@edgestream/contracts";
import { insertVideo } from "@edgestream/worker";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { writeTwoLanguageFilm } from "../helpers/dash-film.ts";
import { packageTestClip } from "../helpers/packaged-clip.ts";
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
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 24, env: { ...TEST_SECRETS, STREAM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: "0" } });
  const clip = await packageTestClip(12);
  try {
    await writeTwoLanguageFilm(join(stack.worker.settings.storageDir, "f".repeat(64)), clip);
  } finally {
    await clip.remove();
  }
  await insertVideo(stack.worker.deps.db, { id: "film", ownerId: "demo:owner", title: "Film", status: "ready", visibility: "public", storagePrefix: "f".repeat(64), durationMs: clip.durationMs });
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
    // The single-track sample: one audio choice (nothing to switch), subtitles off with no other choice.
    expect(await page.locator("#dash-audio option").allTextContents()).toEqual(["Default"]);
    expect(await page.locator("#dash-text option").allTextContents()).toEqual(["Off"]);
    expect(await page.isDisabled("#dash-text")).toBe(true);
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

  it("lists a two-language film's audio and subtitles in the menus, and switches both through Shaka", async () => {
    await page.goto(`${stack.demoUrl}#/watch/film/dash`);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>("#dash-video")?.currentTime ?? 0) > 0.5 || document.querySelector("#status.error"), null, { timeout: 60_000 });
    expect(await page.textContent("#status")).toBe("Playing");
    expect(await page.locator("#dash-audio option").allTextContents()).toEqual(["English", "Français"]);
    expect(await page.locator("#dash-text option").allTextContents()).toEqual(["Off", "English"]);
    await page.selectOption("#dash-audio", { label: "Français" });
    await page.selectOption("#dash-text", { label: "English" });
    // Shaka's own state follows the menus: French audio active, the English subtitles showing.
    await page.waitForFunction(() => [...document.querySelector<HTMLVideoElement>("#dash-video")!.textTracks].some((t) => t.mode === "showing" && t.language === "en"), null, { timeout: 30_000 });
    await expect.poll(() => hlsPaths.some((r) => /\/audio_1\/seg_\d{5}\.m4s$/.test(r.path) && r.status === 200), { timeout: 30_000 }).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
