// A sidecar SubRip added to a real packaged video shows in Chromium at its time: `startStack()` with
// its generated sample (packaged by the real transcode node), the subtitles added through the API
// by the video's owner, the demo page playing through hls.js, the subtitle track picked the way a
// viewer would (its TextTrack set to "showing"). Every sidecar file goes through the path token.
import { rm } from "node:fs/promises";
import { pathTokenOf } from "@edgestream/contracts";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { SAMPLE_OWNER } from "../../demo/sample-video.ts";
import { launchChromium } from "../helpers/browser.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import { demoSignIn } from "../helpers/viewer-api.ts";

const SRT = "1\r\n00:00:02,000 --> 00:00:05,000\r\nSIDECAR ONE\r\n\r\n2\r\n00:00:07,500 --> 00:00:09,000\r\n<i>SIDECAR TWO</i>\r\n";

let dataDir: string;
let stack: RunningStack;
let browser: Browser;
let page: Page;
const hlsResponses: Response[] = [];

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-sidecar");
  stack = await startStack({ dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 12, env: TEST_SECRETS });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("response", (response) => {
    if (/\/hls\//.test(response.url())) hlsResponses.push(response);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("sidecar subtitles in Chromium", () => {
  it("shows the owner's sidecar cue while the video is inside its time, fetched through the path token", async () => {
    const token = await demoSignIn(stack.worker.url, SAMPLE_OWNER.replace(/^demo:/, ""));
    const added = await fetch(`${stack.worker.url}/api/videos/${stack.sampleVideoId}/subtitles?language=fr&label=Fran%C3%A7ais`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-subrip" },
      body: SRT,
    });
    expect(added.status).toBe(201);

    await page.goto(`${stack.demoUrl}?play=${stack.sampleVideoId}`);
    // hls.js makes a TextTrack per subtitle rendition; showing it is how a viewer picks it.
    await page.waitForFunction(
      () => [...(document.querySelector("edgestream-player")?.video?.textTracks ?? [])].some((t) => t.label === "Français") || document.querySelector("#status.error"),
      null,
      { timeout: 60_000 },
    );
    const track = await page.evaluate(() => {
      const t = [...document.querySelector("edgestream-player")!.video.textTracks].find((t) => t.label === "Français")!;
      t.mode = "showing";
      return { language: t.language, kind: t.kind };
    });
    expect(track).toEqual({ language: "fr", kind: "subtitles" });

    // Wait for the first cue to be active (or an error), then read where the video is and what the cue says.
    await page.waitForFunction(
      () => {
        const video = document.querySelector("edgestream-player")!.video;
        const t = [...video.textTracks].find((t) => t.label === "Français");
        return [...(t?.activeCues ?? [])].some((c) => (c as VTTCue).text === "SIDECAR ONE") || document.querySelector("#status.error") || video.error;
      },
      null,
      { timeout: 60_000 },
    );
    const seen = await page.evaluate(() => {
      const video = document.querySelector("edgestream-player")!.video;
      const t = [...video.textTracks].find((t) => t.label === "Français")!;
      return {
        currentTime: video.currentTime,
        active: [...(t.activeCues ?? [])].map((c) => (c as VTTCue).text),
        cues: [...(t.cues ?? [])].map((c) => ({ text: (c as VTTCue).text, start: c.startTime, end: c.endTime })),
      };
    });
    expect(seen.active).toEqual(["SIDECAR ONE"]);
    expect(seen.currentTime).toBeGreaterThanOrEqual(2);
    expect(seen.currentTime).toBeLessThanOrEqual(5);
    // The cues sit on the video's timeline where the file put them (the timestamp map held).
    expect(seen.cues).toHaveLength(2);
    expect(seen.cues[0]!.text).toBe("SIDECAR ONE");
    expect(seen.cues[0]!.start).toBeCloseTo(2, 1);
    expect(seen.cues[0]!.end).toBeCloseTo(5, 1);
    expect(seen.cues[1]!).toMatchObject({ text: "<i>SIDECAR TWO</i>" });
    expect(seen.cues[1]!.start).toBeCloseTo(7.5, 1);

    const sidecarFiles = hlsResponses.filter((r) => /\/(master-sidecars\.m3u8|sidecar-[^/]+\/(index\.m3u8|subtitles\.vtt))$/.test(new URL(r.url()).pathname));
    expect(sidecarFiles.map((r) => new URL(r.url()).pathname.split("/").slice(3).join("/")).sort()).toEqual(
      expect.arrayContaining(["master-sidecars.m3u8", expect.stringMatching(/^sidecar-[^/]+\/index\.m3u8$/), expect.stringMatching(/^sidecar-[^/]+\/subtitles\.vtt$/)]),
    );
    expect(sidecarFiles.every((r) => r.status() === 200 && pathTokenOf(new URL(r.url()).pathname) !== undefined)).toBe(true);
  });

  it("lets the owner add and remove a track with the demo's form, and shows the worker's refusal in words", async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => localStorage.setItem("edgestream-demo:name", "demo")); // the sample's owner
    const owner = await context.newPage();
    try {
      await owner.goto(`${stack.demoUrl}#/watch/${stack.sampleVideoId}`);
      await owner.waitForSelector("#add-subtitles");
      await owner.setInputFiles("#subtitles-file", { name: "broken.srt", mimeType: "application/x-subrip", buffer: Buffer.from("1\n00:00:05,000 --> 00:00:01,000\nbackwards\n") });
      await owner.fill("#subtitles-language", "de");
      await owner.click("#add-subtitles button[type=submit]");
      await owner.waitForFunction(() => /before it starts/.test(document.querySelector(".subtitles .owner-note")?.textContent ?? ""));

      await owner.setInputFiles("#subtitles-file", { name: "de.vtt", mimeType: "text/vtt", buffer: Buffer.from("WEBVTT\n\n00:01.000 --> 00:02.000\nHallo\n") });
      await owner.fill("#subtitles-language", "de");
      await owner.fill("#subtitles-label", "Deutsch");
      await owner.click("#add-subtitles button[type=submit]");
      await owner.waitForFunction(() => /Deutsch \(de, 1 cues\)/.test(document.querySelector("#subtitle-tracks")?.textContent ?? ""));
      expect(await owner.locator("#subtitle-tracks li").allTextContents()).toEqual(["Français (fr, 2 cues) Remove", "Deutsch (de, 1 cues) Remove"]);

      await owner.locator("#subtitle-tracks li", { hasText: "Deutsch" }).locator("button").click();
      await owner.waitForFunction(() => document.querySelectorAll("#subtitle-tracks li").length === 1);
      expect(await owner.locator("#subtitle-tracks li").allTextContents()).toEqual(["Français (fr, 2 cues) Remove"]);
    } finally {
      await context.close();
    }
  });
});
