// The demo library as a new user meets it, in Chromium against the whole stack (`startStack()`, the
// showcase sample: 720p with motion on a 720/480/360 ladder, poster and thumbnails): the grid, the
// SDK's control bar (hover → thumbnail for that time, quality menu → rung switched and reported),
// upload with progress and cancel, the card moving on to ready, resume at the saved point, owner
// actions. Screenshots (desktop and 375 px wide) go to tests/e2e/output/.
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern } from "@edgestream/transcode-node";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { demoSignIn } from "../helpers/viewer-api.ts";

const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));
const VIEWER = "demo"; // the sample's owner
let dataDir: string;
let stack: RunningStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-library");
  await mkdir(OUTPUT, { recursive: true });
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, env: TEST_SECRETS });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  // The name this browser chose, as the name prompt stores it.
  await context.addInitScript((name) => localStorage.setItem("edgestream-demo:name", name), VIEWER);
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
/** The worker's API as the test's own viewer (from Node: the page's console stays the page's). */
async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const token = await demoSignIn(stack.worker.url, VIEWER);
  const response = await fetch(`${stack.worker.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` } });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}
const playerVideo = () => page.evaluate(() => ({ currentTime: document.querySelector("edgestream-player")!.video.currentTime, duration: document.querySelector("edgestream-player")!.video.duration }));

async function openSample(): Promise<void> {
  await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
  await page.waitForFunction(() => (document.querySelector("edgestream-player")?.video.currentTime ?? 0) > 1 || document.querySelector("#status.error"), null, { timeout: 90_000 });
  expect(await page.locator("#status.error").count()).toBe(0);
}

describe("the demo library in Chromium", () => {
  it("shows the sample as a card with its poster, title and duration", async () => {
    await page.goto(stack.demoUrl);
    const card = page.locator(`[data-video-id="${stack.sampleVideoId}"]`);
    await card.locator("img:not([hidden])").waitFor({ timeout: 30_000 });
    await page.waitForFunction((id) => (document.querySelector<HTMLImageElement>(`[data-video-id="${id}"] img`)?.naturalWidth ?? 0) > 0, stack.sampleVideoId);
    expect(await card.locator("h2").textContent()).toBe("Sample: colour drift");
    expect(await card.locator(".duration").textContent()).toBe("0:24");
    expect(await card.locator(".status").textContent()).toBe("Ready");
    expect(await card.locator(".tag").textContent()).toBe("Yours");
    await shot("library-desktop");
  });

  it("shows the thumbnail for the hovered time over the seek bar", async () => {
    await openSample();
    await page.locator("edgestream-player").hover();
    const seek = page.locator("edgestream-player input[aria-label=Seek]");
    const box = (await seek.boundingBox())!;
    const { duration } = await playerVideo();
    for (const ratio of [0.25, 0.6]) {
      await page.mouse.move(box.x + box.width * ratio, box.y + box.height / 2);
      const frame = page.locator("edgestream-player [part=preview-frame]");
      await frame.waitFor({ state: "visible" });
      const at = ratio * duration;
      // The sample's track has a thumbnail every 2 s: the one shown starts at most 2 s before the hovered time.
      const start = Number(await frame.getAttribute("data-time"));
      expect(at - start).toBeGreaterThanOrEqual(-0.1);
      expect(at - start).toBeLessThan(2.1);
      const image = await frame.evaluate((node) => getComputedStyle(node).backgroundImage);
      const url = /url\("(.+)"\)/.exec(image)![1]!;
      expect(new URL(url).pathname).toMatch(/\/hls\/.+\/thumbnails\/sprite-001\.jpg$/);
      expect(await page.evaluate(async (u) => (await fetch(u)).status, url)).toBe(200);
    }
    await shot("player-hover-desktop");
  });

  it("switches rungs from the quality menu, and the SDK reports the rung playing", async () => {
    const quality = page.locator("edgestream-player select[aria-label=Quality]");
    const labels = await quality.locator("option").allTextContents();
    expect(labels.slice(1)).toEqual(["720p", "480p", "360p"]);
    for (const rung of ["360p", "720p"]) {
      const value = await quality.locator("option", { hasText: new RegExp(`^${rung}$`) }).getAttribute("value");
      const segment = page.waitForRequest((request) => request.url().includes(`/${rung}/seg_`), { timeout: 60_000 });
      await quality.selectOption(value!);
      await segment;
      await page.waitForFunction((r) => document.querySelector("edgestream-player")!.shadowRoot!.querySelector<HTMLSelectElement>("select[aria-label=Quality]")!.dataset["current"] === r, rung, { timeout: 60_000 });
      expect(await page.evaluate(() => document.querySelector("edgestream-player")!.player!.quality)).toBe(Number(value));
    }
  });

  it("lists the showcase's English and German audio and subtitles in the control bar, and switches both over HLS", async () => {
    const audio = page.locator("edgestream-player select[aria-label=Audio]");
    const subtitles = page.locator("edgestream-player select[aria-label=Subtitles]");
    await expect.poll(() => audio.locator("option").allTextContents(), { timeout: 30_000 }).toEqual(["English", "German"]);
    expect(await subtitles.locator("option").allTextContents()).toEqual(["Off", "English", "German"]);
    const german = page.waitForRequest((request) => /\/audio_1\/seg_\d{5}\.m4s$/.test(new URL(request.url()).pathname), { timeout: 60_000 });
    await audio.selectOption({ label: "German" });
    await subtitles.selectOption({ label: "German" });
    await german;
    await page.waitForFunction(() => [...document.querySelector("edgestream-player")!.video.textTracks].some((t) => t.mode === "showing" && t.language === "de"), null, { timeout: 30_000 });
    await shot("player-tracks-desktop");
  });

  it("offers to resume at the saved position and goes there", async () => {
    expect((await api(`/api/videos/${stack.sampleVideoId}/progress`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ positionSec: 20, durationSec: 24, clientTime: Date.now() + 60_000 }) })).status).toBeLessThan(300);
    await page.goto(stack.demoUrl);
    await page.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
    const resume = page.locator("#resume");
    await resume.waitFor({ timeout: 30_000 });
    expect(await resume.textContent()).toBe("Resume at 0:20");
    await shot("player-resume-desktop");
    await page.waitForFunction(() => document.querySelector("edgestream-player")?.player?.status === "playing" || document.querySelector("edgestream-player")?.player?.status === "ready", null, { timeout: 60_000 });
    await resume.click();
    await page.waitForFunction(() => document.querySelector("edgestream-player")!.video.currentTime >= 19.5, null, { timeout: 60_000 });
    expect(await resume.isVisible()).toBe(false);
  });

  it("remembers the last video across reloads", async () => {
    await page.goto(stack.demoUrl);
    await page.reload();
    const link = page.locator(".continue a");
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe(`#/watch/${stack.sampleVideoId}`);
  });

  it("uploads with a progress bar, can cancel, and the card moves on to ready", async () => {
    // MPEG-4 Part 2 in Matroska: it must be transcoded, so the card has a processing stage to show.
    const source = join(dataDir, "holiday.mkv");
    await generateTestPattern(source, { seconds: 12, width: 320, height: 180, fps: 25, videoArgs: ["-c:v", "mpeg4", "-q:v", "6"] });
    await page.goto(stack.demoUrl);
    await page.locator(`[data-video-id="${stack.sampleVideoId}"]`).waitFor();
    // Slow uploads down so the progress bar and Cancel can be seen at work.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const big = join(dataDir, "long.mp4");
    await generateTestPattern(big, { seconds: 20, width: 640, height: 360 });
    await page.locator("#file").setInputFiles(big);
    const uploading = page.locator("[data-upload]");
    await page.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>("[data-upload] progress")?.value ?? 0) > 0, null, { timeout: 30_000 });
    expect(await uploading.locator(".status").textContent()).toMatch(/^Uploading · \d+%$/);
    await page.setViewportSize({ width: 375, height: 800 });
    await shot("library-uploading-375");
    await page.setViewportSize({ width: 1280, height: 860 });
    await uploading.locator("button", { hasText: "Cancel" }).click();
    await uploading.waitFor({ state: "detached" });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(((await api("/api/videos")).body as { videos: { title: string }[] }).videos.map((v) => v.title)).not.toContain("long");

    const statuses = new Set<string>();
    await page.exposeFunction("seenStatus", (text: string) => statuses.add(text));
    await page.evaluate(() => {
      const record = () => document.querySelectorAll(".card .status").forEach((node) => (window as unknown as { seenStatus: (t: string) => void }).seenStatus(node.textContent ?? ""));
      new MutationObserver(record).observe(document.querySelector("#grid")!, { subtree: true, childList: true, characterData: true });
    });
    await page.locator("#file").setInputFiles({ name: "Holiday.mkv", mimeType: "video/x-matroska", buffer: await readFile(source) });
    const card = page.locator(".card:not(.uploading)", { has: page.locator("h2", { hasText: "Holiday" }) });
    await card.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll(".card h2")].some((h) => h.textContent === "Holiday" && h.closest(".card")!.getAttribute("data-status") === "ready"), null, { timeout: 120_000 });
    await card.locator("img:not([hidden])").waitFor({ timeout: 30_000 });
    expect([...statuses].some((s) => /^Uploading · \d+%$/.test(s))).toBe(true);
    expect([...statuses].some((s) => /^(Processing · \d+%|Waiting to be processed)$/.test(s))).toBe(true);
    expect(await card.locator(".status").textContent()).toBe("Ready");
  });

  it("says in plain words why an upload could not be processed", async () => {
    // The pointer rests on the upload button, as after choosing a file (a card hovered a moment is pre-warmed).
    await page.locator("label[for=file]").hover();
    await page.locator("#file").setInputFiles({ name: "Notes.mp4", mimeType: "video/mp4", buffer: Buffer.from("these are meeting notes, not a video\n".repeat(40)) });
    const card = page.locator(".card[data-status=failed]", { has: page.locator("h2", { hasText: "Notes" }) });
    await card.waitFor({ timeout: 120_000 });
    const words = await card.locator(".status").textContent();
    expect(words).toBe("Couldn't process this video: this file isn't a video or audio file we can read.");
    await shot("library-failed-desktop");
  });

  it("lets the owner rename, change sharing and delete a video", async () => {
    const holiday = ((await api("/api/videos")).body as { videos: { id: string; title: string }[] }).videos.find((v) => v.title === "Holiday")!;
    await page.goto(`${stack.demoUrl}#/watch/${holiday.id}`);
    await page.locator("#rename-title").fill("Holiday at the sea");
    await page.locator("#rename button").click();
    await page.locator("#video-title", { hasText: "Holiday at the sea" }).waitFor();
    await page.locator("#visibility").selectOption("private");
    await page.locator(".owner-note", { hasText: "Sharing updated." }).waitFor();
    expect((await api(`/api/videos/${holiday.id}`)).body).toMatchObject({ title: "Holiday at the sea", visibility: "private" });
    await page.setViewportSize({ width: 375, height: 800 });
    await shot("player-owner-375");
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.locator("#delete").click();
    await page.locator("#delete-confirm").click();
    await page.waitForURL((url) => url.hash === "#/");
    await page.locator(`[data-video-id="${stack.sampleVideoId}"]`).waitFor();
    expect(await page.locator(`[data-video-id="${holiday.id}"]`).count()).toBe(0);
    expect((await api(`/api/videos/${holiday.id}`)).status).toBe(404);
  });

  it("looks clean at 375 px and logged no console errors", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(stack.demoUrl);
    await page.locator(`[data-video-id="${stack.sampleVideoId}"] img:not([hidden])`).waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot("library-375");
    await openSample();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot("player-375");
    expect(consoleErrors.join("\n")).toBe("");
  });
});
