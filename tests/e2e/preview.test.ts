// Client-side previews in Chromium: a file the browser decodes (H.264 in MP4: <video> + canvas) and
// one it cannot (HEVC in Matroska: ffmpeg.wasm's single-thread core, served from node_modules over
// loopback as a site would host it). Both files are made here with ffmpeg.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.ts";
import { startSdkPages, type SdkPageServer } from "../helpers/sdk-page.ts";
import { tempDataDir } from "../helpers/stack.ts";
import { serveFolder } from "../helpers/static-files.ts";

const run = promisify(execFile);
const CORE_DIR = fileURLToPath(new URL("../../node_modules/@ffmpeg/core/dist/esm/", import.meta.url));

let dir: string;
let pages: SdkPageServer;
let core: Awaited<ReturnType<typeof serveFolder>>;
let browser: Browser;
let page: Page;
const files = { h264: "", hevc: "" };

async function makeClip(path: string, codecArgs: string[]): Promise<void> {
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
    "-t", "6", ...codecArgs, "-pix_fmt", "yuv420p", "-c:a", "aac", path,
  ]);
}

beforeAll(async () => {
  dir = await tempDataDir("e2e-preview");
  files.h264 = join(dir, "camera.mp4");
  files.hevc = join(dir, "phone.mkv");
  await Promise.all([
    makeClip(files.h264, ["-c:v", "libx264", "-preset", "veryfast"]),
    makeClip(files.hevc, ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]),
  ]);
  // The preview page needs no worker: the proxy target is never asked.
  [pages, core, browser] = await Promise.all([startSdkPages("http://127.0.0.1:9"), serveFolder(CORE_DIR), launchChromium()]);
  page = await browser.newPage();
  await page.goto(`${pages.url}preview.html`);
  await page.waitForFunction(() => "runPreview" in window);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([pages?.close(), core?.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function preview(path: string) {
  await page.setInputFiles("#file", path);
  return page.evaluate((base) => (window as unknown as { runPreview: (o: object) => Promise<any> }).runPreview({ ffmpegCoreBase: base, clipSeconds: 2, width: 160 }), core.url);
}

describe("previews of a local file before upload", () => {
  it("uses the browser's decoder for H.264 in MP4 and never loads ffmpeg.wasm", async () => {
    const result = await preview(files.h264);
    expect(result).toMatchObject({ via: "browser", width: 640, height: 360, poster: { type: "image/jpeg", width: 160, height: 90 } });
    expect(result.duration).toBeCloseTo(6, 0);
    expect(result.clip).toMatchObject({ type: "video/webm", width: 160, height: 90 });
    expect(result.clip.duration).toBeGreaterThan(1);
    expect(result.clip.duration).toBeLessThan(3.5);
    expect(core.requests).toEqual([]);
  });

  it("falls back to ffmpeg.wasm for HEVC in Matroska, loading the core from the site's own URL", async () => {
    const result = await preview(files.hevc);
    expect(result).toMatchObject({ via: "ffmpeg.wasm", width: 640, height: 360, poster: { type: "image/jpeg", width: 160, height: 90 } });
    expect(result.duration).toBeCloseTo(6, 0);
    expect(result.clip).toMatchObject({ type: "video/mp4", width: 160, height: 90 });
    expect(result.clip.duration).toBeCloseTo(2, 0);
    expect(core.requests).toEqual(["/ffmpeg-core.js", "/ffmpeg-core.wasm"]);
  }, 120_000);
});
