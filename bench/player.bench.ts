// The player SDK in headless Chromium against the worker on loopback, each figure against a page
// that wires hls.js by hand (tests/e2e/pages/baseline-page.ts) on the same stream in the same run:
// the same engine and the same requests, so the difference is what the SDK adds or saves.
// 1. Time to first frame of a ready video: from "play this" (a viewer token in hand) to `playing`.
// 2. Stalled time while stream tokens expire every 8 s (no clock-skew leeway).
// 3. Time to first frame after prewarm() (a hover before the click) against the SDK without it.
import { rm } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { startStack } from "../demo/stack.ts";
import { launchChromium } from "../tests/helpers/browser.ts";
import { startSdkPages } from "../tests/helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../tests/helpers/stack.ts";
import type { TestLog } from "../tests/e2e/pages/record.ts";
import { median, type Bench, type BenchRow } from "./types.ts";

const RUNS = Number(process.env["BENCH_PLAYER_RUNS"] ?? 7);
const PLAY_SECONDS = Number(process.env["BENCH_PLAYER_SECONDS"] ?? 30);
const TOKEN_TTL_SECONDS = 8;
const FORWARD_BUFFER_SECONDS = 12;

async function openAndWait(browser: Browser, url: string): Promise<{ page: Page; log: TestLog }> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { testLog?: TestLog }).testLog?.start, null, { timeout: 30_000 });
  return { page, log: await page.evaluate(() => (window as unknown as { testLog: TestLog }).testLog) };
}

/** Stalled time after the first frame: what the wall clock gained over the playhead. */
async function stalledMs(page: Page): Promise<number> {
  const { log, now, currentTime } = await page.evaluate(() => ({
    log: (window as unknown as { testLog: TestLog }).testLog,
    now: performance.now(),
    currentTime: document.querySelector("video")!.currentTime,
  }));
  return Math.max(0, now - log.start!.t - (currentTime - log.start!.currentTime) * 1000);
}

export const player: Bench = {
  name: "player",
  async run(): Promise<BenchRow[]> {
    const dataDir = await tempDataDir("bench-player");
    const stack = await startStack({
      dataDir,
      workerPort: 0,
      demoPort: 0,
      sampleSeconds: PLAY_SECONDS + 10,
      env: { ...TEST_SECRETS, STREAM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: "0" },
    });
    const pages = await startSdkPages(stack.worker.url);
    const browser = await launchChromium();
    try {
      const video = stack.sampleVideoId;
      const sdkUrl = (viewer: string, options: object) =>
        `${pages.url}player.html?${new URLSearchParams({ video, viewer, options: JSON.stringify({ resume: false, ...options }) })}`;
      const baselineUrl = (viewer: string) => `${pages.url}baseline.html?${new URLSearchParams({ video, viewer, buffer: String(FORWARD_BUFFER_SECONDS) })}`;

      // Warm-up: Vite compiles the modules once; neither side should pay for that.
      for (const url of [sdkUrl("warm", {}), baselineUrl("warm")]) await (await openAndWait(browser, url)).page.close();
      const ttff = { sdk: [] as number[], baseline: [] as number[], warm: [] as number[] };
      const urls = { sdk: (i: number) => sdkUrl(`ttff${i}`, {}), baseline: (i: number) => baselineUrl(`ttff${i}`), warm: (i: number) => `${sdkUrl(`warm${i}`, {})}&prewarm=1` };
      for (let i = 0; i < RUNS; i++) {
        // Rotate which goes first, so none always meets a warmer cache.
        const order = (["sdk", "baseline", "warm"] as const).map((_, k, all) => all[(i + k) % all.length]!);
        for (const side of order) {
          const { page, log } = await openAndWait(browser, urls[side](i));
          ttff[side].push(log.start!.t - log.askedAt!);
          await page.close();
        }
      }

      // Token expiries: both play at once for PLAY_SECONDS with the same forward buffer.
      const [sdk, baseline] = await Promise.all([
        openAndWait(browser, sdkUrl("stall-sdk", { buffer: { forwardSeconds: FORWARD_BUFFER_SECONDS }, heartbeatIntervalMs: 0, progressIntervalMs: 0 })),
        openAndWait(browser, baselineUrl("stall-baseline")),
      ]);
      await sdk.page.waitForTimeout(PLAY_SECONDS * 1000);
      const [sdkStall, baselineStall] = await Promise.all([stalledMs(sdk.page), stalledMs(baseline.page)]);

      const ours = median(ttff.sdk);
      const base = median(ttff.baseline);
      return [
        {
          bench: "player",
          metric: `time to first frame, ready video (median of ${RUNS})`,
          unit: "ms",
          ours,
          baselineName: "hls.js by hand",
          baseline: base,
          ratio: ours / base,
          note: `from having a viewer token to playing: /stream, hls.js import, manifest, first segment (SDK also reads saved progress in parallel); min ${Math.min(...ttff.sdk).toFixed(0)} vs ${Math.min(...ttff.baseline).toFixed(0)} ms`,
        },
        {
          bench: "player",
          metric: `time to first frame after prewarm(), ready video (median of ${RUNS})`,
          unit: "ms",
          ours: median(ttff.warm),
          baselineName: "SDK without prewarm",
          baseline: ours,
          ratio: median(ttff.warm) / ours,
          note: "prewarm (/stream, master, first playlists and segments) ran before the click, as a hover does; the player starts from its /stream answer and the cached segments",
        },
        {
          bench: "player",
          metric: `stalled time in ${PLAY_SECONDS} s, tokens expire every ${TOKEN_TTL_SECONDS} s`,
          unit: "ms",
          ours: sdkStall,
          baselineName: "hls.js by hand",
          baseline: baselineStall,
          ratio: baselineStall ? sdkStall / baselineStall : 1,
          note: `${FORWARD_BUFFER_SECONDS} s forward buffer both; hls.js alone never retries the 410 and stops when its buffer runs out`,
        },
      ];
    } finally {
      await browser.close();
      await pages.close();
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
