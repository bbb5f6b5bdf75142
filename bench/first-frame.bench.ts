// Upload → first frame, the headline for a new video: from the last byte of an upload (1080p H.264
// that a browser plays as it is, and 1080p HEVC that needs a transcode) to the first decoded frame
// in Chromium through the SDK, against what the encoder and the player cannot avoid, measured in the
// same run: bare ffmpeg's time to its first segment (the same arguments the session uses) plus the
// player's time to first frame on a ready video. The page is opened after the upload's answer, and
// its load and sign-in are left out on both sides: both figures start when the page asks to play.
import { rm } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { startStack } from "../demo/stack.ts";
import { launchChromium } from "../tests/helpers/browser.ts";
import { startSdkPages } from "../tests/helpers/sdk-page.ts";
import { TEST_SECRETS, tempDataDir } from "../tests/helpers/stack.ts";
import type { TestLog } from "../tests/e2e/pages/record.ts";
import { planPackage, probe } from "../transcode-node/src/index.ts";
import { buildCopySessionArgs, buildSessionArgs } from "../transcode-node/src/sessions/session-args.ts";
import { bareUntilSegment } from "./sessions.bench.ts";
import { median, type Bench, type BenchRow } from "./types.ts";
import { UPLOAD_SECONDS, uploadSource } from "./upload-sources.ts";

const READY_RUNS = 3;
const VIEWER = "bench-uploader";
const SESSION_PROFILE = 720;

interface PageTimes {
  /** Epoch ms of the page's performance.now() zero. */
  origin: number;
  askedAt: number;
  firstFrame: number;
  /** responseEnd (page ms) of the first request whose URL matches each step, when seen. */
  steps: Record<"stream" | "master" | "playlist" | "segment", number | undefined>;
}

const STEPS: Record<keyof PageTimes["steps"], RegExp> = {
  stream: /\/stream(\?|$)/,
  master: /master\.m3u8/,
  playlist: /\/index\.m3u8/,
  segment: /seg_00000\.m4s/,
};

async function play(browser: Browser, pagesUrl: string, video: string): Promise<PageTimes> {
  const page = await browser.newPage();
  try {
    await page.goto(`${pagesUrl}player.html?${new URLSearchParams({ video, viewer: VIEWER, options: JSON.stringify({ resume: false }) })}`);
    await page.waitForFunction(() => (window as unknown as { testLog?: TestLog }).testLog?.start, null, { timeout: 180_000 });
    const seen = await page.evaluate(() => ({
      origin: performance.timeOrigin,
      log: (window as unknown as { testLog: TestLog }).testLog,
      resources: performance.getEntriesByType("resource").map((e) => ({ name: e.name, end: (e as PerformanceResourceTiming).responseEnd })),
    }));
    const first = (pattern: RegExp) => seen.resources.find((r) => pattern.test(r.name))?.end;
    return {
      origin: seen.origin,
      askedAt: seen.log.askedAt!,
      firstFrame: seen.log.start!.t,
      steps: { stream: first(STEPS.stream), master: first(STEPS.master), playlist: first(STEPS.playlist), segment: first(STEPS.segment) },
    };
  } finally {
    await page.close();
  }
}

/** Uploads a file as the request body; the epoch ms of its last byte leaving and of the answer. */
async function upload(workerUrl: string, token: string, path: string): Promise<{ id: string; lastByte: number; ack: number }> {
  let lastByte = 0;
  // The file's bytes as the body; `flush` runs once the last of them has been handed to fetch.
  const body = (Readable.toWeb(createReadStream(path, { highWaterMark: 1024 * 1024 })) as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({ flush: () => void (lastByte = Date.now()) }),
  );
  const response = await fetch(`${workerUrl}/api/videos?title=bench&visibility=public`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "video/mp4", "Content-Length": String((await stat(path)).size) },
    body,
    duplex: "half",
  } as RequestInit);
  const ack = Date.now();
  if (response.status !== 201) throw new Error(`upload: HTTP ${response.status} ${await response.text()}`);
  return { id: ((await response.json()) as { id: string }).id, lastByte, ack };
}

/** Bare ffmpeg's first segment with the arguments the node's session uses for this source. */
async function bareFirstSegment(input: string, out: string): Promise<number> {
  const info = await probe(input);
  const copyable = planPackage(info, { ladder: [info.video!.height], maxWidth: info.video!.width }).video!.renditions[0]!.mode === "copy";
  if (copyable) return bareUntilSegment(buildCopySessionArgs({ input, outDir: out, segmentSeconds: 4, hasAudio: info.audio !== undefined, copyAudio: true }), out, 0);
  const plan = planPackage(info, { ladder: [SESSION_PROFILE] });
  const rung = plan.video!.renditions[0]!;
  const encode = { input, outDir: out, segmentSeconds: 4, startSegment: 0, width: rung.width, height: rung.height, fps: plan.video!.fps, maxBitrateKbps: rung.maxBitrateKbps, hasAudio: plan.audio !== null, video: plan.video! };
  return bareUntilSegment(buildSessionArgs(encode), out, 0);
}

const ms = (n: number | undefined) => (n === undefined ? "?" : n.toFixed(0));

export const firstFrame: Bench = {
  name: "first frame",
  async run(): Promise<BenchRow[]> {
    const sources = [
      { label: "H.264", path: await uploadSource("h264"), seconds: UPLOAD_SECONDS.h264 },
      { label: "HEVC", path: await uploadSource("hevc"), seconds: UPLOAD_SECONDS.hevc },
    ];
    const dataDir = await tempDataDir("bench-first-frame");
    const stack = await startStack({
      dataDir, workerPort: 0, demoPort: 0, sampleSeconds: 20,
      env: { ...TEST_SECRETS },
      nodeEnv: { HWACCEL: "software", SESSION_PROFILE: String(SESSION_PROFILE) },
    });
    const pages = await startSdkPages(stack.worker.url);
    const browser = await launchChromium();
    try {
      const login = await fetch(`${stack.worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: VIEWER }) });
      const { token } = (await login.json()) as { token: string };
      await play(browser, pages.url, stack.sampleVideoId); // warm-up: Vite compiles the page once
      const ready: number[] = [];
      for (let i = 0; i < READY_RUNS; i++) {
        const t = await play(browser, pages.url, stack.sampleVideoId);
        ready.push(t.firstFrame - t.askedAt);
      }
      const readyMs = median(ready);

      // Bare first segments before any upload: the encoder alone on this machine, not sharing it with
      // the packaging jobs the uploads start.
      const bares = new Map<string, number>();
      for (const { label, path } of sources) bares.set(label, await bareFirstSegment(path, join(dataDir, `bare-${label}`)));

      const rows: BenchRow[] = [];
      for (const { label, path, seconds } of sources) {
        const sent = await upload(stack.worker.url, token, path);
        const t = await play(browser, pages.url, sent.id);
        const since = (page: number | undefined) => (page === undefined ? undefined : page - t.askedAt);
        const ours = sent.ack - sent.lastByte + (t.firstFrame - t.askedAt);
        const bare = bares.get(label)!;
        const baseline = bare + readyMs;
        rows.push({
          bench: "first frame",
          metric: `upload → first frame, ${seconds / 60} min 1080p ${label}`,
          unit: "ms",
          ours,
          baselineName: "bare ffmpeg 1st segment + ready-video first frame",
          baseline,
          ratio: ours / baseline,
          note:
            `upload ack ${ms(sent.ack - sent.lastByte)} · then from the page's ask: /stream (session start) ${ms(since(t.steps.stream))}, ` +
            `master ${ms(since(t.steps.master))}, media playlist ${ms(since(t.steps.playlist))}, first segment ${ms(since(t.steps.segment))}, ` +
            `first frame ${ms(t.firstFrame - t.askedAt)} · page load and sign-in (${ms(t.askedAt + t.origin - sent.ack)}) left out · ` +
            `baseline: bare ${ms(bare)} + ready ${ms(readyMs)} (median of ${READY_RUNS})`,
        });
      }
      return rows;
    } finally {
      await browser.close();
      await pages.close();
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
