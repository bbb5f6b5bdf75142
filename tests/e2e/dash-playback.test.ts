// DASH in a real browser: a clip packaged by the real CLI, the worker's Node entry, and Shaka Player
// (npm, on a Vite-served page) playing /stream's dashUrl in headless Chromium past the first segment
// boundary. Every request the page makes below /hls/ must carry the token in its path and succeed.
// A second package is a source with English stereo and German 5.1 audio and English and German
// subtitles (helpers/track-media.ts) packaged by the real packager: Shaka lists and switches its
// tracks and shows the cue at its time.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, pathTokenOf, SUBTITLE_FILE, subtitleRenditionName } from "@edgestream/contracts";
import { insertVideo } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { launchChromium } from "../helpers/browser.ts";
import { packageTestClip, type PackagedClip } from "../helpers/packaged-clip.ts";
import { packageVod } from "@edgestream/transcode-node";
import { CUES, multiTrackMkv } from "../helpers/track-media.ts";
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
  const sources = await mkdtemp(join(tmpdir(), "edgestream-dash-film-"));
  try {
    await packageVod({ input: await multiTrackMkv(sources), outDir: join(worker.settings.storageDir, FILM_PREFIX), ladder: [180], hwaccel: "software", thumbnails: false });
  } finally {
    await rm(sources, { recursive: true, force: true });
  }
  await insertVideo(worker.deps.db, { id: "film", ownerId: "demo:owner", title: "Film", status: "ready", visibility: "public", storagePrefix: FILM_PREFIX, durationMs: 6000 });
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

  it("lists every audio rendition and the subtitles, switches to German 5.1, and shows the cue at its time", async () => {
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
      const audio = await film.evaluate(() => window.dashPlayer.getAudioTracks().map((t) => ({ language: t.language, label: t.label, channels: t.channelsCount, active: t.active })));
      expect(audio).toEqual([
        { language: "en", label: "English", channels: 2, active: true },
        { language: "de", label: "German (stereo)", channels: 2, active: false },
        { language: "de", label: "German (5.1)", channels: 6, active: false },
      ]);
      expect(await film.evaluate(() => window.dashPlayer.getTextTracks().map((t) => ({ language: t.language, label: t.label, mimeType: t.mimeType })))).toEqual([
        { language: "en", label: "English", mimeType: "text/vtt" },
        { language: "de", label: "German", mimeType: "text/vtt" },
      ]);

      await film.evaluate(() => {
        const player = window.dashPlayer;
        player.selectAudioTrack(player.getAudioTracks().find((t) => t.channelsCount === 6)!);
        player.selectTextTrack(player.getTextTracks().find((t) => t.language === "en")!);
      });
      await film.waitForFunction(() => window.dashPlayer.getAudioTracks().find((t) => t.active)?.channelsCount === 6, null, { timeout: 30_000 });
      // The 5.1 rendition's segments come through the signed path; the cue is where the source puts it.
      await expect.poll(() => filmPaths.some((p) => /^200 signed audio_2\/seg_\d{5}\.m4s$/.test(p)), { timeout: 30_000 }).toBe(true);
      const cue = await film.waitForFunction(
        (text) => {
          for (const track of document.querySelector("video")!.textTracks) {
            const found = [...(track.cues ?? [])].find((c) => (c as VTTCue).text === text);
            if (track.mode === "showing" && found) return { start: found.startTime, end: found.endTime };
          }
          return null;
        },
        CUES[0].text.en,
        { timeout: 30_000 },
      );
      // The source's cue times (1 s to 3 s), within a frame of audio priming the packager's timeline may add.
      const shown = (await cue.jsonValue())!;
      expect(Math.abs(shown.start - CUES[0].start)).toBeLessThan(0.1);
      expect(Math.abs(shown.end - CUES[0].end)).toBeLessThan(0.1);
      expect(filmPaths.filter((p) => !p.startsWith("200 signed "))).toEqual([]);
      expect(filmPaths).toContain(`200 signed ${subtitleRenditionName(0)}/${SUBTITLE_FILE}`);
    } finally {
      await film.close();
    }
  });
});
