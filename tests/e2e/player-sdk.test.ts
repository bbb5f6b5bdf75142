// The player SDK against the real worker in headless Chromium: playback through hls.js while stream
// tokens expire every 8 s (no clock-skew leeway), heartbeats, progress and analytics reaching the
// database, and resuming from saved progress. Pages: tests/e2e/pages/player.html.
import { rm } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathTokenOf, tokenOf } from "@edgestream/contracts";
import { schema } from "@edgestream/worker";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import type { TestLog } from "./pages/record.ts";

const TOKEN_TTL_SECONDS = 8;
/** Media time each page plays through (of a 50 s sample): at least five token lifetimes. */
const PLAY_SECONDS = 45;

let dataDir: string;
let stack: RunningStack;
let pages: SdkPageServer;
let browser: Browser;

beforeAll(async () => {
  dataDir = await tempDataDir("e2e-sdk");
  stack = await startStack({
    dataDir,
    workerPort: 0,
    demoPort: 0,
    sampleSeconds: 50,
    env: { ...TEST_SECRETS, STREAM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: "0" },
  });
  pages = await startSdkPages(stack.worker.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  hls: { url: string; status: number; at: number }[];
}

async function open(viewer: string, options: Record<string, unknown> = {}): Promise<Opened> {
  const page = await browser.newPage();
  const hls: Opened["hls"] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/hls/")) hls.push({ url: r.url(), status: r.status(), at: Date.now() });
  });
  const query = new URLSearchParams({ video: stack.sampleVideoId, viewer, options: JSON.stringify(options) });
  await page.goto(`${pages.url}player.html?${query}`);
  return { page, hls };
}

const testLog = (page: Page) => page.evaluate(() => (window as unknown as { testLog: TestLog }).testLog);

/**
 * Waits until the playhead passes `pastSeconds` (or the player failed). With `untilTrouble`, it also
 * stops at the first reload, stall or error, so the caller's assertions say what went wrong at once.
 */
async function waitForPlayback(page: Page, pastSeconds = 0.5, { timeoutMs = 30_000, untilTrouble = false } = {}): Promise<void> {
  await page.waitForFunction(
    ({ past, trouble }) => {
      const v = document.querySelector("video")!;
      const log = (window as unknown as { testLog: TestLog }).testLog;
      if (log.events.some((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal)) return true;
      if (trouble && (log.hls.loadSource > 1 || log.media.some((m) => m.type === "waiting") || log.events.some((e) => e.event === "stall" || e.event === "error"))) return true;
      return v.currentTime > past;
    },
    { past: pastSeconds, trouble: untilTrouble },
    { timeout: timeoutMs },
  );
  const fatal = (await testLog(page)).events.find((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal);
  if (fatal) throw new Error(`the player failed: ${JSON.stringify(fatal.data)}`);
}

/** Fields of a stream token (`kid.exp.vid.src.sub.mac`) that the test reads: its expiry, unix seconds. */
const tokenExp = (url: string) => Number(tokenOf(new URL(url))!.split(".")[1]);

describe("player SDK in Chromium against the worker", () => {
  it(
    `plays ${PLAY_SECONDS} s without a stall while tokens expire every ${TOKEN_TTL_SECONDS} s (refreshed ahead, and only when rejected)`,
    async () => {
      // Two pages at once, same stream: refresh ahead of expiry (the default), and refresh only on
      // 403/410 (retried by hls.js while one refresh runs). A 12 s forward buffer keeps segment
      // requests going through the whole run, so expired tokens meet real requests. Judged by what
      // the player and hls.js did, not by the wall clock (a starved CPU slows both pages alike):
      // no `waiting`, no rebuffering in the SDK's QoE, one loadSource, no flush of what lies ahead.
      const options = { buffer: "low", heartbeatIntervalMs: 0, progressIntervalMs: 0, resume: false };
      const [ahead, reactive] = await Promise.all([open("ahead", options), open("reactive", { ...options, refreshAheadSeconds: false })]);
      // Generous bound: this waits on media time, which a busy machine may play slower than real time.
      const playThrough = { timeoutMs: 180_000, untilTrouble: true };
      await Promise.all([waitForPlayback(ahead.page, PLAY_SECONDS, playThrough), waitForPlayback(reactive.page, PLAY_SECONDS, playThrough)]);

      for (const [name, run] of [["ahead", ahead], ["reactive", reactive]] as const) {
        const { log, qoe } = await run.page.evaluate(() => ({
          log: (window as unknown as { testLog: TestLog }).testLog,
          qoe: (window as unknown as { player: { qoe: { rebufferCount: number; rebufferMs: number } } }).player.qoe,
        }));
        const context = `${name}: ${JSON.stringify({ qoe, media: log.media, hls: log.hls, events: log.events.map((e) => e.event) })}`;
        expect(log.media.filter((m) => m.type === "waiting" || m.type === "seeking"), context).toEqual([]);
        expect(qoe, context).toMatchObject({ rebufferCount: 0, rebufferMs: 0 });
        expect(log.events.filter((e) => e.event === "stall" || e.event === "error"), context).toEqual([]);
        // hls.js kept its buffer: one source, attached once, and no flush reaching the playhead or
        // beyond (back-buffer eviction behind the playhead is allowed).
        expect(log.hls.loadSource, context).toBe(1);
        expect(log.hls.mediaAttaching, context).toBe(1);
        expect(log.hls.flushes.filter((f) => f.endOffset > f.currentTime), context).toEqual([]);

        // The packaged sample plays in the path form: every request carries its token in the path
        // (relative URIs in unrewritten playlists), so a refresh is a path substitution.
        // (The poster keeps the query form: only playlists and media are checked.)
        const media = run.hls.filter((r) => /\.(m3u8|m4s|mp4|ts)$/.test(new URL(r.url).pathname));
        expect(media.length, context).toBeGreaterThan(0);
        expect(media.filter((r) => pathTokenOf(new URL(r.url).pathname) === undefined), context).toEqual([]);
        // Tokens did expire under it: segments kept coming with tokens issued after the first one
        // had died (a token's expiry is its issue time + TTL), each served.
        const segments = run.hls.filter((r) => /\.m4s$/.test(new URL(r.url).pathname));
        const firstExp = Math.min(...segments.map((r) => tokenExp(r.url)));
        const later = segments.filter((r) => r.status === 200 && tokenExp(r.url) >= firstExp + TOKEN_TTL_SECONDS);
        expect(later.length, context).toBeGreaterThanOrEqual(3);
        const sigs = new Set(segments.filter((r) => r.status === 200).map((r) => tokenOf(new URL(r.url))));
        expect(sigs.size, context).toBeGreaterThanOrEqual(3);
      }
      // Ahead of expiry: refreshed several times, and no request is ever rejected.
      const aheadRefreshes = (await testLog(ahead.page)).events.filter((e) => e.event === "tokenrefreshed");
      expect(aheadRefreshes.length).toBeGreaterThanOrEqual(3);
      expect(aheadRefreshes.every((e) => (e.data as { reason: string }).reason === "ahead")).toBe(true);
      expect(ahead.hls.filter((r) => r.status !== 200)).toEqual([]);
      // Only when rejected: 410s happen, refreshes follow them (never ahead), and they are absorbed.
      const rejected = reactive.hls.filter((r) => r.status === 410);
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      const refreshed = (await testLog(reactive.page)).events.filter((e) => e.event === "tokenrefreshed");
      expect(refreshed.every((e) => (e.data as { reason: string }).reason === "rejected")).toBe(true);
      expect(refreshed.length).toBeGreaterThanOrEqual(2);
      await Promise.all([ahead.page.close(), reactive.page.close()]);
    },
    240_000,
  );

  it("sends heartbeats, progress and analytics that reach the database, and saves on pagehide", async () => {
    const { page } = await open("reporter", { heartbeatIntervalMs: 1500, progressIntervalMs: 1500, analyticsIntervalMs: 1500, resume: false });
    await waitForPlayback(page, 4);
    const sessionId = await page.evaluate(() => (window as unknown as { player: { sessionId: string } }).player.sessionId);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]+$/);
    await page.waitForTimeout(2000);
    const db = stack.worker.deps.db;
    const { playbackEvents, playbackProgress } = schema;
    const events = await db.select().from(playbackEvents).where(eq(playbackEvents.sessionId, sessionId));
    const types = new Set(events.map((e) => e.type));
    expect(types.has("heartbeat")).toBe(true);
    expect(types.has("start")).toBe(true);
    expect(events.filter((e) => e.type === "heartbeat").length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.viewerId === "demo:reporter")).toBe(true);
    const start = events.find((e) => e.type === "start")!;
    expect((start.data as { ttffMs: number }).ttffMs).toBeGreaterThan(0);

    const progressOf = async () =>
      (await db.select().from(playbackProgress).where(and(eq(playbackProgress.viewerId, "demo:reporter"), eq(playbackProgress.videoId, stack.sampleVideoId))))[0];
    const during = await progressOf();
    expect(during?.positionSec).toBeGreaterThan(3);
    expect(during?.durationSec).toBeCloseTo(50, 0);

    // Leaving the page: pagehide saves the last position with a keepalive request.
    await page.waitForTimeout(1000);
    const last = await page.evaluate(() => document.querySelector("video")!.currentTime);
    await page.goto("about:blank");
    await expect.poll(async () => (await progressOf())?.positionSec, { timeout: 5000 }).toBeGreaterThanOrEqual(last - 0.1);
    await page.close();
  });

  it("resumes from the saved position, and starts over when the saved position is near the end", async () => {
    const save = async (viewer: string, positionSec: number) => {
      const login = await fetch(`${stack.worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: viewer }) });
      const { token } = (await login.json()) as { token: string };
      const put = await fetch(`${stack.worker.url}/api/videos/${stack.sampleVideoId}/progress`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ positionSec, durationSec: 50 }),
      });
      expect(put.status).toBe(204);
    };
    await save("resumer", 21.5);
    await save("finisher", 48);
    const [resumer, finisher] = await Promise.all([open("resumer", { progressIntervalMs: 0 }), open("finisher", { progressIntervalMs: 0 })]);
    await Promise.all([waitForPlayback(resumer.page, 0.2), waitForPlayback(finisher.page, 0.2)]);
    const resumedAt = (await testLog(resumer.page)).start!.currentTime;
    expect(resumedAt).toBeGreaterThanOrEqual(21);
    expect(resumedAt).toBeLessThan(23);
    // Only the segment that holds 21.5 s and later were fetched: nothing from the start.
    expect(resumer.hls.some((r) => /seg_00000\.m4s/.test(r.url))).toBe(false);
    expect((await testLog(finisher.page)).start!.currentTime).toBeLessThan(1);
    await Promise.all([resumer.page.close(), finisher.page.close()]);
  });

  it("plays through <edgestream-player> and re-dispatches the player's events on the element", async () => {
    const page = await browser.newPage();
    await page.goto(`${pages.url}element.html?${new URLSearchParams({ video: stack.sampleVideoId, viewer: "element" })}`);
    await page.waitForFunction(() => (document.querySelector("edgestream-player")?.shadowRoot?.querySelector("video")?.currentTime ?? 0) > 1, null, { timeout: 30_000 });
    const events = await page.evaluate(() => (window as unknown as { elementEvents: string[] }).elementEvents);
    expect(events).toEqual(expect.arrayContaining(["status", "ready", "playing"]));
    expect(events).not.toContain("error");
    await page.close();
  });
});
