// The SDK's track API with the real hls.js in headless Chromium, on a real package: a source with
// English stereo, German 5.1, English SubRip and German ASS (tests/helpers/track-media.ts) uploaded
// to the stack and packaged by its node (English, German stereo and German 5.1 audio renditions,
// two WebVTT subtitle renditions). The tracks are listed, switching audio loads the other audio
// rendition and playback goes on, a subtitle cue shows at its time, and the viewer's choice is
// restored on their next load (and only theirs). Page: tests/e2e/pages/tracks.html.
import { rm } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import type { Player } from "../../player-sdk/src/player.ts";
import type { Tracks } from "../../player-sdk/src/tracks/index.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { CUES, multiTrackMkv } from "../helpers/track-media.ts";
import { demoSignIn, uploadFile } from "../helpers/viewer-api.ts";

type TracksWindow = Window & { player: Player; tracks: Tracks };

let dataDir: string;
let stack: RunningStack;
let pages: SdkPageServer;
let browser: Browser;
let context: BrowserContext;
let videoId: string;

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-tracks");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 4, env: TEST_SECRETS });
  const owner = await demoSignIn(stack.worker.url, "owner");
  videoId = await uploadFile(stack.worker.url, owner, await multiTrackMkv(dataDir), "Two languages", "video/x-matroska");
  await vi.waitFor(
    async () => {
      const video = (await (await fetch(`${stack.worker.url}/api/videos/${videoId}`, { headers: { Authorization: `Bearer ${owner}` } })).json()) as { status: string; error: string | null };
      if (video.status === "failed") throw new Error(`packaging failed: ${video.error}`); // keeps failing: the wait ends with it
      if (video.status !== "ready") throw new Error(`the package is ${video.status}`);
    },
    { timeout: 120_000, interval: 250 },
  );
  pages = await startSdkPages(stack.worker.url);
  browser = await launchChromium();
  // One browser profile for every load: localStorage is where the choice is kept.
  context = await browser.newContext();
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await pages?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  /** Paths of the media this page fetched, token removed, in order (e.g. "audio_1/seg_00001.m4s"). */
  fetched: string[];
}

/** Records the package paths (below the token) of the media the page fetches. */
function recordFetched(page: Page): string[] {
  const fetched: string[] = [];
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/hls/") && r.status() === 200) fetched.push(path.split("/").slice(3).join("/"));
  });
  return fetched;
}

async function open(viewer: string): Promise<Opened> {
  const page = await context.newPage();
  const fetched = recordFetched(page);
  await page.goto(`${pages.url}tracks.html?${new URLSearchParams({ video: videoId, viewer })}`);
  await page.waitForFunction(() => {
    const { tracks } = window as unknown as TracksWindow;
    return tracks && tracks.audio.length === 3 && tracks.subtitles.length === 2;
  }, null, { timeout: 30_000 });
  return { page, fetched };
}

const state = (page: Page) =>
  page.evaluate(() => {
    const { tracks } = window as unknown as TracksWindow;
    return { audioTrack: tracks.audioTrack, subtitleTrack: tracks.subtitleTrack, currentTime: document.querySelector("video")!.currentTime };
  });
const playedPast = (page: Page, seconds: number) =>
  page.waitForFunction((past) => document.querySelector("video")!.currentTime > past, seconds, { timeout: 30_000 });

describe("audio and subtitle tracks in Chromium (hls.js)", () => {
  it("lists the package's audio languages and subtitles, switches audio to the other rendition, shows a cue at its time, and restores the choice on the next load", async () => {
    const first = await open("ann");
    expect(await first.page.evaluate(() => (window as unknown as TracksWindow).tracks.audio)).toEqual([
      { id: 0, language: "en", name: "English", default: true, role: "main", channels: 2 },
      { id: 1, language: "de", name: "German (stereo)", default: false, role: "main", channels: 2 },
      { id: 2, language: "de", name: "German (5.1)", default: false, role: "main", channels: 6 },
    ]);
    expect(await first.page.evaluate(() => (window as unknown as TracksWindow).tracks.subtitles)).toEqual([
      { id: 0, language: "en", name: "English", default: false, forced: false, role: "main" },
      { id: 1, language: "de", name: "German", default: false, forced: false, role: "main" },
    ]);
    await playedPast(first.page, 0.5);
    expect(await state(first.page)).toMatchObject({ audioTrack: 0, subtitleTrack: -1 });
    expect(first.fetched.some((p) => p.startsWith("audio/seg_"))).toBe(true);
    expect(first.fetched.filter((p) => /^audio_\d\//.test(p))).toEqual([]);

    // Audio: the German 5.1 rendition is loaded and played from where the English one was.
    const { currentTime: switchedAt } = await state(first.page);
    await first.page.evaluate(() => (window as unknown as TracksWindow).tracks.setAudioTrack(2));
    await first.page.waitForFunction(() => (window as unknown as TracksWindow).tracks.audioTrack === 2, null, { timeout: 30_000 });
    await playedPast(first.page, switchedAt + 1);
    expect(first.fetched).toContain("audio_2/index.m3u8");
    expect(first.fetched.some((p) => /^audio_2\/init.*\.mp4$/.test(p))).toBe(true);
    expect(first.fetched.some((p) => p.startsWith("audio_2/seg_"))).toBe(true);

    // Subtitles: the English track shows, with the second cue active at 4.5 s and timed as in the source.
    await first.page.evaluate(() => (window as unknown as TracksWindow).tracks.setSubtitleTrack(0));
    await first.page.evaluate(() => (window as unknown as TracksWindow).player.seek(4.5));
    const cue = await first.page
      .waitForFunction(
        () => {
          const showing = [...document.querySelector("video")!.textTracks].find((t) => t.mode === "showing");
          const active = showing?.activeCues?.[0] as VTTCue | undefined;
          return active ? { text: active.text, start: active.startTime, end: active.endTime, label: showing!.label, language: showing!.language } : null;
        },
        null,
        { timeout: 30_000 },
      )
      .then((handle) => handle.jsonValue());
    const second = CUES[1];
    expect(cue).toMatchObject({ text: second.text.en, label: "English", language: "en" });
    // At the source's time, within 0.1 s (the packaged WebVTT keeps it to a frame or two, as the packager's own test checks).
    expect(Math.abs(cue!.start - second.start)).toBeLessThan(0.1);
    expect(Math.abs(cue!.end - second.end)).toBeLessThan(0.1);
    expect((await state(first.page)).subtitleTrack).toBe(0);
    await first.page.close();

    // The next load by the same viewer plays German 5.1 (by name: not the German stereo one) with
    // English subtitles, without being asked.
    const again = await open("ann");
    await playedPast(again.page, 0.5);
    expect(await state(again.page)).toMatchObject({ audioTrack: 2, subtitleTrack: 0 });
    expect(again.fetched.some((p) => p.startsWith("audio_2/seg_"))).toBe(true);
    expect(again.fetched.filter((p) => p.startsWith("audio/"))).toEqual([]); // chosen before hls.js loaded the default
    expect(again.fetched).toContain("subs_0/subtitles.vtt");
    await again.page.close();

    // Another viewer on the same browser gets the package's defaults.
    const other = await open("bob");
    await playedPast(other.page, 0.5);
    expect(await state(other.page)).toMatchObject({ audioTrack: 0, subtitleTrack: -1 });
    expect(other.fetched.filter((p) => /^(audio_\d|subs_\d)\//.test(p))).toEqual([]);
    await other.page.close();
  }, 180_000);

  it("offers Audio and Subtitles in the control bar of <edgestream-player>, which switch the tracks", async () => {
    const page = await context.newPage();
    const fetched = recordFetched(page);
    await page.goto(`${pages.url}element.html?${new URLSearchParams({ video: videoId, viewer: "cy", controls: "1" })}`);
    const options = (label: string) => page.$$eval(`select[aria-label=${label}]:not([hidden]) option`, (els) => els.map((o) => o.textContent));
    await expect.poll(() => options("Audio"), { timeout: 30_000 }).toEqual(["English", "German (stereo)", "German (5.1)"]);
    expect(await options("Subtitles")).toEqual(["Off", "English", "German"]);
    await page.selectOption("select[aria-label=Audio]", "1");
    await page.selectOption("select[aria-label=Subtitles]", "1");
    await expect.poll(() => fetched.some((p) => p.startsWith("audio_1/seg_")), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => page.evaluate(() => [...document.querySelector("edgestream-player")!.video.textTracks].filter((t) => t.mode === "showing").map((t) => t.label)), { timeout: 30_000 })
      .toEqual(["German"]);
    await page.close();
  }, 120_000);
});
