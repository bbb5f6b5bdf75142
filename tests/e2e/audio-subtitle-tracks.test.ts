// Every audio language and the subtitle tracks in Chromium with hls.js: a source with English stereo,
// German 5.1, English SubRip and German ASS is packaged for real (fMP4 and MPEG-TS), served over
// loopback, and hls.js lists both audio languages and both subtitle tracks, switches audio (the
// German rendition's fragments are then loaded) and shows the English cue at the time the source has it.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageVod } from "@edgestream/transcode-node";
import { collectConsoleErrors, launchChromium } from "../helpers/browser.ts";
import { serveFolder } from "../helpers/static-files.ts";
import { CUES, multiTrackMkv, twoLanguageM4a } from "../helpers/track-media.ts";

const PAGE = `<!doctype html><html><head><link rel="icon" href="data:," /></head><body><video id="video" muted playsinline width="320"></video>
<script src="hls.min.js"></script>
<script>
  const video = document.getElementById("video");
  const hls = new Hls({ maxBufferLength: 10 });
  window.hls = hls;
  window.parsed = false;
  hls.on(Hls.Events.MANIFEST_PARSED, () => { window.parsed = true; });
  hls.loadSource(new URLSearchParams(location.search).get("src"));
  hls.attachMedia(video);
</script></body></html>`;

let dir: string;
let server: Awaited<ReturnType<typeof serveFolder>>;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-tracks-e2e-"));
  const source = await multiTrackMkv(dir);
  for (const segmentType of ["fmp4", "ts"] as const) {
    await packageVod({ input: source, outDir: join(dir, "site", segmentType), ladder: [180], hwaccel: "software", segmentType, thumbnails: false });
  }
  await packageVod({ input: await twoLanguageM4a(dir), outDir: join(dir, "site", "audio-only"), hwaccel: "software", thumbnails: false });
  await copyFile(createRequire(import.meta.url).resolve("hls.js/dist/hls.min.js"), join(dir, "site", "hls.min.js"));
  await writeFile(join(dir, "site", "index.html"), PAGE);
  server = await serveFolder(join(dir, "site"));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(["fmp4", "ts"] as const)("audio languages and subtitles in hls.js (%s)", (segmentType) => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    page = await browser.newPage();
    errors = collectConsoleErrors(page);
    await page.goto(`${server.url}index.html?src=${segmentType}/master.m3u8`);
    await page.waitForFunction(() => (window as unknown as { parsed: boolean }).parsed, null, { timeout: 60_000 });
  });
  afterAll(() => page?.close());

  it("lists every audio rendition and both text subtitle tracks, named and tagged", async () => {
    const tracks = await page.evaluate(() => {
      const hls = (window as any).hls;
      return {
        audio: hls.audioTracks.map((t: any) => ({ name: t.name, lang: t.lang, channels: t.channels, default: t.default })),
        subtitles: hls.subtitleTracks.map((t: any) => ({ name: t.name, lang: t.lang })),
      };
    });
    expect(tracks.audio).toEqual([
      { name: "English", lang: "en", channels: "2", default: true },
      { name: "German (stereo)", lang: "de", channels: "2", default: false },
      { name: "German (5.1)", lang: "de", channels: "6", default: false },
    ]);
    expect(tracks.subtitles).toEqual([
      { name: "English", lang: "en" },
      { name: "German", lang: "de" },
    ]);
  });

  it("switches audio: the German rendition's fragments are loaded", async () => {
    const germanSegment = new RegExp(`^/${segmentType}/audio_1/seg_\\d{5}\\.(m4s|ts)$`);
    expect(server.requests.filter((path) => germanSegment.test(path))).toEqual([]);
    await page.evaluate(() => {
      (window as any).hls.audioTrack = 1;
    });
    await expect.poll(() => server.requests.filter((path) => germanSegment.test(path)).length, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as any).hls.audioTrack)).toBe(1);
  });

  it("shows the English cue at the time the source has it", async () => {
    const [first] = CUES;
    await page.evaluate((seekTo) => {
      const hls = (window as any).hls;
      hls.subtitleDisplay = true;
      hls.subtitleTrack = 0;
      const video = document.querySelector("video")!;
      video.currentTime = seekTo;
    }, (first.start + first.end) / 2);
    const handle = await page.waitForFunction(
      (text) => {
        const video = document.querySelector("video")!;
        for (const track of Array.from(video.textTracks)) {
          const cue = Array.from(track.activeCues ?? []).find((c) => (c as VTTCue).text === text) as VTTCue | undefined;
          if (cue) return { start: cue.startTime, end: cue.endTime, at: video.currentTime, language: track.language };
        }
        return null;
      },
      first.text.en,
      { timeout: 60_000 },
    );
    const shown = (await handle.jsonValue()) as { start: number; end: number; at: number; language: string };
    expect(shown.language).toBe("en");
    // Within a frame or two (25 fps) of the source's 1 s → 3 s: the timestamp map placed it, not luck.
    expect(Math.abs(shown.start - first.start)).toBeLessThan(0.1);
    expect(Math.abs(shown.end - first.end)).toBeLessThan(0.1);
    expect(errors).toEqual([]);
  });
});

describe("an audio-only package with two languages in hls.js", () => {
  it("plays the default language, lists both, and switches to the German rendition", async () => {
    const page = await browser.newPage();
    try {
      const errors = collectConsoleErrors(page);
      await page.goto(`${server.url}index.html?src=audio-only/master.m3u8`);
      await page.evaluate(() => document.querySelector("video")!.play().catch(() => {}));
      await page.waitForFunction(() => document.querySelector("video")!.currentTime > 0.5, null, { timeout: 60_000 });
      expect(await page.evaluate(() => (window as any).hls.audioTracks.map((t: any) => [t.name, t.lang]))).toEqual([["English", "en"], ["German", "de"]]);
      const german = /^\/audio-only\/audio_1\/seg_\d{5}\.m4s$/;
      await page.evaluate(() => {
        (window as any).hls.audioTrack = 1;
      });
      await expect.poll(() => server.requests.filter((path) => german.test(path)).length, { timeout: 60_000 }).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
