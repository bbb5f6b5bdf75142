// The whole signed path over real HTTP on loopback: a clip packaged by the real CLI (real ffmpeg),
// the worker's Node entry on a libSQL file, and every playlist and segment fetched through it.
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestPattern, sha256File } from "@edgestream/transcode-node";
import { insertVideo, signStreamToken } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { tokenOf, withToken } from "@edgestream/contracts";
import { tamper, TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

const CLI = fileURLToPath(new URL("../../transcode-node/src/cli.ts", import.meta.url));
let dataDir: string;
let worker: RunningWorker;
let sha: string;
let viewerToken: string;

function runCli(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: "ignore" });
    child.on("close", resolve);
  });
}

beforeAll(async () => {
  dataDir = await tempDataDir("integration");
  worker = await startNodeWorker({ ...TEST_SECRETS, DEMO_MODE: "1", EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  const source = join(dataDir, "clip.mp4");
  await generateTestPattern(source, { seconds: 9, width: 320, height: 180, fps: 25 });
  sha = await sha256File(source);
  expect(await runCli([source, "--out", join(worker.settings.storageDir, sha)])).toBe(0);
  await insertVideo(worker.deps.db, { id: "clip1", ownerId: "demo:tester", title: "Clip", status: "ready", storagePrefix: sha, durationMs: 9000 });
  const login = await fetch(`${worker.url}/api/auth/demo-login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "tester" }),
  });
  viewerToken = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await worker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function streamManifestUrl(): Promise<string> {
  const response = await fetch(`${worker.url}/api/videos/clip1/stream`, { headers: { Authorization: `Bearer ${viewerToken}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { manifestUrl: string };
  return new URL(body.manifestUrl, worker.url).href;
}

/** Every URI a playlist references: URI lines and URI="…" attributes. */
function urisOf(playlist: string): string[] {
  const uris: string[] = [];
  for (const line of playlist.split(/\r?\n/)) {
    if (line.startsWith("#")) {
      const match = /[:,]URI="([^"]+)"/.exec(line);
      if (match) uris.push(match[1]!);
    } else if (line.trim()) uris.push(line.trim());
  }
  return uris;
}

/** The file in storage behind a signed URL: its path below /hls/<token>/ (or /hls/clip1/), under the package's prefix. */
function storedPath(url: URL): string {
  return join(worker.settings.storageDir, sha, ...url.pathname.split("/").slice(3));
}

/** Walks master → media playlists → every referenced file, fetching each through the worker. */
async function walk(masterUrl: string) {
  const texts = new Map<string, string>();
  const token = tokenOf(new URL(masterUrl))!;
  const master = await fetch(masterUrl);
  expect(master.status).toBe(200);
  expect(master.headers.get("cache-control")).toBe("no-cache");
  const masterText = await master.text();
  const playlists = urisOf(masterText);
  texts.set(new URL(masterUrl).pathname, masterText);
  const files: URL[] = [];
  for (const playlist of playlists) {
    expect(tokenOf(new URL(playlist, masterUrl))).toBe(token);
    const mediaUrl = new URL(playlist, masterUrl);
    const media = await fetch(mediaUrl);
    expect(media.status).toBe(200);
    const mediaText = await media.text();
    texts.set(mediaUrl.pathname, mediaText);
    for (const uri of urisOf(mediaText)) {
      const url = new URL(uri, mediaUrl);
      expect(tokenOf(url)).toBe(token);
      files.push(url);
    }
  }
  return { playlists, files, texts };
}

describe("signed playback path over HTTP", () => {
  it("serves every playlist and segment, each URI signed, bytes identical to storage", async () => {
    const masterUrl = await streamManifestUrl();
    // The packager recorded relativeUris: the token travels in the path, playlists go out as stored.
    expect(new URL(masterUrl).pathname).toBe(`/hls/${tokenOf(new URL(masterUrl))}/master.m3u8`);
    const { playlists, files, texts } = await walk(masterUrl);
    for (const [path, text] of texts) expect(text).toBe(await readFile(storedPath(new URL(path, worker.url)), "utf8"));
    // The ladder of a 180p source is one video rung plus the audio group.
    expect(playlists.map((p) => p.split("?")[0]).sort()).toEqual(["180p/index.m3u8", "audio/index.m3u8"]);
    expect(files.length).toBeGreaterThanOrEqual(2 * 4); // per playlist: init + 3 segments of a 9 s clip
    for (const url of files) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const served = Buffer.from(await response.arrayBuffer());
      expect(served.equals(await readFile(storedPath(url)))).toBe(true);
    }
  });

  it("answers a Range request with 206 and exactly those bytes", async () => {
    const { files } = await walk(await streamManifestUrl());
    const segment = files.find((url) => /seg_\d+\.m4s$/.test(url.pathname))!;
    const response = await fetch(segment, { headers: { Range: "bytes=100-199" } });
    expect(response.status).toBe(206);
    const stored = await readFile(storedPath(segment));
    expect(response.headers.get("content-range")).toBe(`bytes 100-199/${stored.length}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(stored.subarray(100, 200))).toBe(true);
  });

  it("answers 403 for a tampered signature and 410 for an expired one, no-store with CORS", async () => {
    const masterUrl = await streamManifestUrl();
    const { files } = await walk(masterUrl);
    const segmentUrl = files.find((url) => /seg_\d+\.m4s$/.test(url.pathname))!;
    const token = tokenOf(new URL(masterUrl))!;
    const headers = { Origin: "https://some-site.example" };

    const tampered = await fetch(withToken(segmentUrl, tamper(token)), { headers });
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get("cache-control")).toBe("no-store");
    expect(tampered.headers.get("access-control-allow-origin")).toBe("*");

    const expiredToken = await signStreamToken(worker.deps.keyring, { exp: Math.floor(Date.now() / 1000) - 600, vid: "clip1", src: sha });
    const expired = await fetch(withToken(segmentUrl, expiredToken), { headers });
    expect(expired.status).toBe(410);
    expect(expired.headers.get("cache-control")).toBe("no-store");
    expect(expired.headers.get("access-control-allow-origin")).toBe("*");

    const unsigned = await fetch(`${worker.url}/hls/clip1/180p/index.m3u8`);
    expect(unsigned.status).toBe(403);
  });

  it("answers /healthz", async () => {
    const response = await fetch(`${worker.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });
});
