// The demo's DASH switch in Chromium against the whole stack (`startStack()`, what `npm start` runs):
// from the player page, "Play over DASH" plays the sample's MPD with Shaka Player past the first
// segment boundary, and lists the package's audio and subtitle tracks from Shaka's track API.
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
const hlsPaths: { path: string; status: number }[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-demo-dash");
  await mkdir(OUTPUT, { recursive: true });
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 12, env: TEST_SECRETS });
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
  it("switches the player page to DASH and plays past the first segment boundary, with the track menus filled", async () => {
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    await page.click("#dash-switch");
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>("#dash-video")?.currentTime ?? 0) > 4.5 || document.querySelector("#status.error"), null, { timeout: 90_000 });
    expect(await page.textContent("#status")).toBe("Playing");
    expect(page.url()).toMatch(/#\/watch\/[^/]+\/dash$/);
    // The single-track sample: one audio choice (nothing to switch), subtitles off with no other choice.
    expect(await page.locator("#dash-audio option").allTextContents()).toEqual(["Default"]);
    expect(await page.locator("#dash-text option").allTextContents()).toEqual(["Off"]);
    expect(await page.isDisabled("#dash-text")).toBe(true);
    const manifest = await page.textContent('[data-fact="Manifest"]');
    expect(manifest).toMatch(new RegExp(`^/hls/[^/]+/${DASH_MANIFEST.replace(".", "\\.")}$`));
    // Every DASH request carried the token in its path and was answered.
    const dash = hlsPaths.filter((r) => r.path.endsWith(".m4s") || r.path.endsWith(".mpd"));
    expect(dash.some((r) => r.path.endsWith("/seg_00001.m4s"))).toBe(true);
    expect(dash.filter((r) => r.status !== 200 || !pathTokenOf(r.path))).toEqual([]);
    await page.screenshot({ path: join(OUTPUT, "demo-dash-desktop.png"), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it("goes back to HLS with the SDK's player", async () => {
    await page.click("#hls-switch");
    await page.waitForSelector("edgestream-player");
    expect(await page.locator("#dash-video").count()).toBe(0);
  });
});
