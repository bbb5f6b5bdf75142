// The player SDK against the real worker in headless Chromium: playback through hls.js while stream
// tokens expire every 8 s (no clock-skew leeway), heartbeats, progress and analytics reaching the
// database, and resuming from saved progress. Pages: tests/e2e/pages/player.html.
import { rm } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "@edgestream/worker";
import { startStack, type RunningStack } from "../../demo/stack.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";
import type { TestLog } from "./pages/record.ts";

const TOKEN_TTL_SECONDS = 8;
const PLAY_SECONDS = 45;
/**
 * Allowed stalled time after start-up, from `waiting` events and from the playhead against the wall
 * clock. 0.5 s is an eighth of one 4 s segment: it absorbs measurement noise (`playing` fires a frame
 * or two before the clock moves; page.evaluate round trips), while a stall caused by an expired
 * token is never that short: a rejected segment is retried after ≥ 0.5 s and, with the substitution
 * broken, playback stops for good once the 12 s buffer runs out (tens of seconds lost).
 */
const STALL_BOUND_MS = 500;

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

async function waitForPlayback(page: Page, pastSeconds = 0.5): Promise<void> {
  await page.waitForFunction(
    (past) => {
      const v = document.querySelector("video")!;
      const log = (window as unknown as { testLog: TestLog }).testLog;
      if (log.events.some((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal)) return true;
      return v.currentTime > past;
    },
    pastSeconds,
    { timeout: 30_000 },
  );
  const fatal = (await testLog(page)).events.find((e) => e.event === "error" && (e.data as { fatal: boolean }).fatal);
  if (fatal) throw new Error(`the player failed: ${JSON.stringify(fatal.data)}`);
}

/** Stalled time after start-up: from waiting→playing pairs, and from the playhead against the wall clock. */
async function stallReport(page: Page) {
  const { log, now, currentTime } = await page.evaluate(() => ({
    log: (window as unknown as { testLog: TestLog }).testLog,
    now: performance.now(),
    currentTime: document.querySelector("video")!.currentTime,
  }));
  let waitingMs = 0;
  let since: number | null = null;
  for (const m of log.media) {
    if (m.type === "waiting" && since === null) since = m.t;
    if (m.type === "playing" && since !== null) {
      waitingMs += m.t - since;
      since = null;
    }
  }
  if (since !== null) waitingMs += now - since;
  const wallSec = (now - log.start!.t) / 1000;
  const playheadLagMs = (wallSec - (currentTime - log.start!.currentTime)) * 1000;
  return { waitingMs, playheadLagMs, wallSec, log };
}

describe("player SDK in Chromium against the worker", () => {
  it(
    `plays ${PLAY_SECONDS} s without a stall while tokens expire every ${TOKEN_TTL_SECONDS} s (refreshed ahead, and only when rejected)`,
    async () => {
      // Two pages at once, same stream: refresh ahead of expiry (the default), and refresh only on
      // 403/410 (retried by hls.js while one refresh runs). A 12 s forward buffer keeps segment
      // requests going through the whole run, so expired tokens meet real requests.
      const options = { buffer: "low", heartbeatIntervalMs: 0, progressIntervalMs: 0, resume: false };
      const [ahead, reactive] = await Promise.all([open("ahead", options), open("reactive", { ...options, refreshAheadSeconds: false })]);
      await Promise.all([waitForPlayback(ahead.page), waitForPlayback(reactive.page)]);
      const startedAt = Date.now();
      await ahead.page.waitForTimeout(PLAY_SECONDS * 1000);

      for (const [name, run] of [["ahead", ahead], ["reactive", reactive]] as const) {
        const report = await stallReport(run.page);
        const context = `${name}: ${JSON.stringify({ waitingMs: report.waitingMs, playheadLagMs: report.playheadLagMs, media: report.log.media })}`;
        expect(report.wallSec, context).toBeGreaterThan(PLAY_SECONDS);
        expect(report.waitingMs, context).toBeLessThan(STALL_BOUND_MS);
        expect(report.playheadLagMs, context).toBeLessThan(STALL_BOUND_MS);
        expect(report.log.events.filter((e) => e.event === "stall"), context).toEqual([]);
        expect(report.log.events.filter((e) => e.event === "error"), context).toEqual([]);

        // Segments kept coming well after the first token died, each signed with a newer token.
        const segments = run.hls.filter((r) => /\.m4s\?/.test(r.url));
        const late = segments.filter((r) => r.status === 200 && r.at > startedAt + 2 * TOKEN_TTL_SECONDS * 1000);
        expect(late.length, context).toBeGreaterThanOrEqual(3);
        const sigs = new Set(segments.filter((r) => r.status === 200).map((r) => new URL(r.url).searchParams.get("sig")));
        expect(sigs.size, context).toBeGreaterThanOrEqual(3);
      }
      // Ahead of expiry: no request is ever rejected. Only when rejected: 410s happen and are absorbed.
      expect(ahead.hls.filter((r) => r.status !== 200)).toEqual([]);
      const rejected = reactive.hls.filter((r) => r.status === 410);
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      const refreshed = (await testLog(reactive.page)).events.filter((e) => e.event === "tokenrefreshed");
      expect(refreshed.every((e) => (e.data as { reason: string }).reason === "rejected")).toBe(true);
      expect(refreshed.length).toBeGreaterThanOrEqual(2);
      await Promise.all([ahead.page.close(), reactive.page.close()]);
    },
    120_000,
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
