// The SDK's example apps (player-sdk/examples: plain JavaScript, React, the web component), built
// with Vite against the SDK's source into a temp folder, served from their own origin and played in
// Chromium against a real worker and node on another origin (the worker's CORS).
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { serveFolder } from "../helpers/static-files.ts";
import { demoSignIn } from "../helpers/viewer-api.ts";

let dataDir: string;
let stack: RunningStack;
let site: Awaited<ReturnType<typeof serveFolder>>;
let browser: Browser;
let query: string;

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-examples");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 4, env: TEST_SECRETS });
  const outDir = join(dataDir, "examples");
  await build({ configFile: fileURLToPath(new URL("../../player-sdk/examples/vite.config.ts", import.meta.url)), build: { outDir }, logLevel: "error" });
  site = await serveFolder(outDir);
  query = `?${new URLSearchParams({ api: stack.worker.url, video: stack.sampleVideoId, token: await demoSignIn(stack.worker.url, "demo") })}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Opens an example; answers the page and the console errors it logs. */
async function open(name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(`${site.url}${name}/index.html${query}`);
  return { page, errors };
}

const playedPast = (page: Page, selector: string, seconds: number) =>
  page.waitForFunction(
    ([s, t]) => {
      const node = document.querySelector(s as string);
      const video = (node instanceof HTMLVideoElement ? node : (node as unknown as { video?: HTMLVideoElement })?.video) ?? null;
      return (video?.currentTime ?? 0) > (t as number);
    },
    [selector, seconds],
    { timeout: 90_000 },
  );

describe("the SDK's example apps in Chromium", () => {
  it("plain JavaScript: plays, reports its status, lists the rungs", async () => {
    const { page, errors } = await open("plain");
    await playedPast(page, "video", 1);
    expect(await page.locator("#status").textContent()).toBe("playing");
    expect(await page.locator("#quality option").allTextContents()).toEqual(["Auto", "360p"]);
    expect(await page.locator("#rung").textContent()).toBe("playing 360p");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("React: the effect's player plays, and closing the component destroys it", async () => {
    const { page, errors } = await open("react");
    await playedPast(page, "video", 1);
    expect(await page.locator("#status").textContent()).toBe("playing");
    // One player survives StrictMode's mount, unmount, mount: one <video>, one hls.js source on it.
    expect(await page.locator("video").count()).toBe(1);
    expect(await page.evaluate(() => document.querySelector("video")!.src.startsWith("blob:"))).toBe(true);
    await page.locator("button", { hasText: "Close the player" }).click();
    expect(await page.locator("video").count()).toBe(0);
    await page.locator("button", { hasText: "Open the player" }).click();
    await playedPast(page, "video", 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("web component: plays with the SDK's control bar", async () => {
    const { page, errors } = await open("element");
    await playedPast(page, "edgestream-player", 1);
    expect(await page.locator("edgestream-player input[aria-label=Seek]").count()).toBe(1);
    expect(await page.evaluate(() => document.querySelector("edgestream-player")!.player!.status)).toBe("playing");
    expect(errors).toEqual([]);
    await page.close();
  });
});
