// DASH in a real browser: a clip packaged by the real CLI, the worker's Node entry, and Shaka Player
// (npm, on a Vite-served page) playing /stream's dashUrl in headless Chromium past the first segment
// boundary. Every request the page makes below /hls/ must carry the token in its path and succeed.
// A second package is that clip with what multi-language packaging adds (helpers/dash-film.ts):
// Shaka lists and switches its tracks and shows the cue at its time.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, pathTokenOf, SUBTITLE_FILE, subtitleRenditionName } from "@edgestream/contracts";
import { insertVideo } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { launchChromium } from "../helpers/browser.ts";
import { packageTestClip, type PackagedClip } from "../helpers/packaged-clip.ts";
import { FILM_CUE, writeTwoLanguageFilm } from "../helpers/dash-film.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import type { DashLog } from "./pages/dash-page.ts";

const FILM_PREFIX = "f".repeat(64);
let dataDir: string;
let clip: PackagedClip;
let worker: RunningWorker;
let pages: SdkPageServer;
let browser: Browser;
let page: Page;
const hlsResponses: Response[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-dash");
  clip = await packageTestClip(12);
  worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  for (const [path, bytes] of clip.files) {
    const file = join(worker.settings.storageDir, clip.sha, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  await writeTwoLanguageFilm(join(worker.settings.storageDir, FILM_PREFIX), clip);
  await insertVideo(worker.deps.db, { id: "film", ownerId: "demo:owner", title: "Film", status: "ready", visibility: "public", storagePrefix: FILM_PREFIX, durationMs: clip.durationMs });
  await insertVideo(worker.deps.db, { id: "dashclip", ownerId: "demo:owner", title: "DASH", status: "ready", visibility: "public", storagePrefix: clip.sha, durationMs: clip.durationMs });
  pages = await startSdkPages(worker.url);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/hls/")) hlsResponses.push(response);
  });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await worker?.close();
  await clip?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

describe("DASH playback in Chromium with Shaka Player", () => {
  it("plays the dashUrl past the first segment boundary, every request signed in the path", async () => {
    await page.goto(`${pages.url}dash.html?video=dashclip&viewer=watcher`);
    await page.waitForFunction(() => window.dashLog?.firstBoundary !== undefined || (window.dashLog?.errors.length ?? 0) > 0, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.dashLog.errors)).toEqual([]);
    const boundary = await page.evaluate(() => window.dashLog.firstBoundary!);
    expect(boundary).toBeGreaterThan(0);
    // Stop waiting as soon as Shaka reports an error, so a broken path fails fast and says why.
    await page.waitForFunction((end) => document.querySelector("video")!.currentTime > end + 0.5 || window.dashLog.errors.length > 0, boundary, { timeout: 90_000 });
    const log: DashLog = await page.evaluate(() => window.dashLog);
    expect(log.errors).toEqual([]);
    expect(log.dashUrl).toMatch(new RegExp(`^/hls/[^/]+/${DASH_MANIFEST.replace(".", "\\.")}$`));
    // The packager's single audio track, as the MPD describes it: main role, its channel count.
    expect(log.audioTracks).toEqual([{ language: "und", channels: 1, roles: ["main"] }]);
    expect(await page.evaluate(() => document.querySelector("video")!.error)).toBeNull();

    const paths = hlsResponses.map((r) => new URL(r.url()).pathname);
    expect(paths.filter((p) => p.endsWith(DASH_MANIFEST))).toHaveLength(1);
    // The second video segment was fetched: playback crossed into it.
    expect(paths.some((p) => p.endsWith("/seg_00001.m4s"))).toBe(true);
    expect(hlsResponses.filter((r) => r.status() !== 200 || !pathTokenOf(new URL(r.url()).pathname)).map((r) => `${r.status()} ${r.url()}`)).toEqual([]);
  });

  it("lists both audio languages and the subtitles, switches to French, and shows the cue at its time", async () => {
    const film = await browser.newPage();
    const filmPaths: string[] = [];
    film.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith("/hls/")) filmPaths.push(`${response.status()} ${pathTokenOf(url.pathname) ? "signed" : "unsigned"} ${url.pathname.split("/").slice(3).join("/")}`);
    });
    try {
      await film.goto(`${pages.url}dash.html?video=film&viewer=watcher`);
      await film.waitForFunction(() => window.dashLog?.firstBoundary !== undefined || (window.dashLog?.errors.length ?? 0) > 0, null, { timeout: 60_000 });
      expect(await film.evaluate(() => window.dashLog.errors)).toEqual([]);
      expect(await film.evaluate(() => window.dashPlayer.getAudioTracks().map((t) => ({ language: t.language, label: t.label, roles: t.roles, active: t.active })))).toEqual([
        { language: "en", label: "English", roles: ["main"], active: true },
        { language: "fr", label: "Français", roles: ["alternate"], active: false },
      ]);
      expect(await film.evaluate(() => window.dashPlayer.getTextTracks().map((t) => ({ language: t.language, label: t.label, roles: t.roles, mimeType: t.mimeType })))).toEqual([
        { language: "en", label: "English", roles: ["subtitle"], mimeType: "text/vtt" },
      ]);

      await film.evaluate(() => {
        const player = window.dashPlayer;
        player.selectAudioTrack(player.getAudioTracks().find((t) => t.language === "fr")!);
        player.selectTextTrack(player.getTextTracks()[0]!);
      });
      await film.waitForFunction(() => window.dashPlayer.getAudioTracks().find((t) => t.active)?.language === "fr", null, { timeout: 30_000 });
      // The French rendition's segments come through the signed path; the cue is where the file puts it.
      await expect.poll(() => filmPaths.some((p) => /^200 signed audio_1\/seg_\d{5}\.m4s$/.test(p)), { timeout: 30_000 }).toBe(true);
      const cue = await film.waitForFunction(
        (text) => {
          for (const track of document.querySelector("video")!.textTracks) {
            const found = [...(track.cues ?? [])].find((c) => (c as VTTCue).text === text);
            if (track.mode === "showing" && found) return { start: found.startTime, end: found.endTime };
          }
          return null;
        },
        FILM_CUE.text,
        { timeout: 30_000 },
      );
      expect(await cue.jsonValue()).toEqual({ start: FILM_CUE.start, end: FILM_CUE.end });
      expect(filmPaths.filter((p) => !p.startsWith("200 signed "))).toEqual([]);
      expect(filmPaths).toContain(`200 signed ${subtitleRenditionName(0)}/${SUBTITLE_FILE}`);
    } finally {
      await film.close();
    }
  });
});
