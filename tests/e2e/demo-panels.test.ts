// The demo's panels for the other two audiences, in Chromium against the whole stack: the owner's
// viewing figures on the player page (from GET /api/videos/:id/analytics) count a playback, and the
// Nodes page lists the transcode nodes (GET /api/admin/nodes) — a short note while none has
// registered (the one-node set-up), then a real node that registers with the worker.
// Screenshots (desktop and 375 px wide) go to tests/e2e/output/.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { startNodeServer } from "../../transcode-node/src/server.ts";
import { TEST_REGISTRATION_SECRET } from "../../worker/src/testing/fleet-node.ts";
import { fleetNodeEnv } from "../fleet/fleet-stack.ts";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { demoSignIn, uploadFile } from "../helpers/viewer-api.ts";

const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));
let dataDir: string;
let stack: RunningStack;
let fleetNode: Awaited<ReturnType<typeof startNodeServer>> | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-panels");
  await mkdir(OUTPUT, { recursive: true });
  // The worker takes registrations (a fleet): packaging jobs wait in its queue for a registered node.
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 4, env: { ...TEST_SECRETS, NODE_REGISTRATION_SECRET: TEST_REGISTRATION_SECRET } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.addInitScript(() => localStorage.setItem("edgestream-demo:name", "demo")); // the sample's owner
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await fleetNode?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function shots(name: string): Promise<void> {
  await page.screenshot({ path: join(OUTPUT, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.screenshot({ path: join(OUTPUT, `${name}-375.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 860 });
}

const figure = (name: string) => page.locator(`#analytics [data-figure="${name}"]`).textContent();

describe("the demo's panels in Chromium", () => {
  it("shows the owner's viewing figures, and counts a playback in them", async () => {
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    await page.locator("#analytics dd").first().waitFor({ timeout: 30_000 });
    expect(await figure("Views")).toBe("0");
    expect(await figure("Time to first frame")).toBe("—");
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video.currentTime ?? 0) > 1, null, { timeout: 90_000 });
    // Leaving the page destroys the player, which sends its last batch of events.
    await page.goto(`${stack.demoUrl}#/`);
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    await expect
      .poll(async () => {
        await page.locator("#analytics-refresh:not([disabled])").click();
        await page.locator("#analytics-refresh:not([disabled])").waitFor();
        return figure("Views");
      }, { timeout: 60_000, interval: 500 })
      .toBe("1");
    expect(await figure("Time to first frame")).toMatch(/^\d+ ms$/);
    expect(await figure("Watch time")).toMatch(/^\d+:\d\d$/);
    await shots("player-analytics");
  });

  it("shows no analytics panel to a viewer who is not the owner", async () => {
    const other = await context.browser()!.newContext();
    await other.addInitScript(() => localStorage.setItem("edgestream-demo:name", "someone-else"));
    const theirs = await other.newPage();
    await theirs.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    await theirs.locator("#video-title").waitFor({ timeout: 30_000 });
    await theirs.waitForFunction(() => (document.querySelector("edgestream-player")?.video.currentTime ?? 0) > 0.5, null, { timeout: 90_000 });
    expect(await theirs.locator("#analytics").count()).toBe(0);
    await other.close();
  });

  it("says no node has registered while the worker has only its own node", async () => {
    await page.goto(`${stack.demoUrl}#/nodes`);
    const note = page.locator(".panel-note");
    await note.filter({ hasNotText: "Loading…" }).waitFor();
    expect(await note.textContent()).toMatch(/^No transcode nodes have registered/);
    expect(await page.locator(".node").count()).toBe(0);
    await shots("nodes-none");
  });

  it("lists a node that registers, with its state in words", async () => {
    fleetNode = await startNodeServer(fleetNodeEnv(dataDir, stack.worker.url, "edge-1"));
    const card = page.locator('.node[data-node="edge-1"]');
    await card.waitFor({ timeout: 60_000 }); // the page looks again every few seconds
    expect(await card.locator(".node-status").textContent()).toBe("Working");
    expect(await card.locator(".meta").textContent()).toMatch(/^Software encoding · last heard from \d+\u00a0s ago$/);
    expect(await card.locator(".node-work").textContent()).toMatch(/^Packaging 0 videos · 0 live sessions · free: \d+ job slots?, \d+ session slots?$/);
    expect(await page.locator(".panel-note").textContent()).toMatch(/^1 node registered/);
    await shots("nodes-fleet");
    expect(consoleErrors.join("\n")).toBe("");
  });
  it("pre-warms the next video in the library's order as the current one ends", async () => {
    // Packaged by the node registered above (the fleet's queue).
    const source = join(dataDir, "second.mp4");
    await generateTestPattern(source, { seconds: 4 });
    const token = await demoSignIn(stack.worker.url, "demo");
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const secondId = await uploadFile(stack.worker.url, token, source, "Second clip", "video/mp4");
    await expect.poll(async () => ((await (await fetch(`${stack.worker.url}/api/videos/${secondId}`, auth)).json()) as { status: string }).status, { timeout: 60_000, interval: 250 }).toBe("ready");
    const order = ((await (await fetch(`${stack.worker.url}/api/videos`, auth)).json()) as { videos: { id: string; title: string }[] }).videos;
    const [first, next] = [order[0]!, order[1]!];
    // From the Nodes page straight to the player (the library would ask /stream for its posters).
    const prewarmed = page.waitForRequest((request) => request.url().includes(`/api/videos/${next.id}/stream`), { timeout: 60_000 });
    await page.goto(`${stack.demoUrl}#/watch/${first.id}`);
    expect(await page.locator("#up-next").textContent()).toBe(next.title);
    // The 4 s clip is soon buffered to its end: then the next one is pre-warmed.
    await prewarmed;
    await page.locator("#up-next").click();
    await page.locator('[data-fact="Pre-warmed"]', { hasText: "yes" }).waitFor({ state: "attached", timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video.currentTime ?? 0) > 1, null, { timeout: 90_000 });
    expect(consoleErrors.join("\n")).toBe("");
  });
});
