// Segments shared across viewers on Node with media in S3: a clip packaged by the real CLI (real
// ffmpeg) into s3rver, the worker's Node entry in front of it, every S3 request counted by a proxy
// between the two. Fifty viewers with fifty tokens cost one S3 read per segment.
import { rm } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isImmutablePackageFile, StorageUnavailableError } from "@edgestream/contracts";
import { createS3Storage } from "@edgestream/contracts/storage/s3";
import { startS3rverBucket, type S3rverBucket } from "@edgestream/contracts/testing/s3rver-bucket";
import { insertVideo } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { startFaultProxy, type FaultProxy } from "../faults/fault-proxy.ts";
import { packageTestClip, type PackagedClip } from "../helpers/packaged-clip.ts";
import { bytesOf, expectRangesServed, expectSimultaneousServed, expectViewersServed } from "../helpers/shared-segments.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

const VIEWERS = 50;

let clip: PackagedClip;
let bucket: S3rverBucket;
let proxy: FaultProxy;
let sha: string;
/** The package's init and media segments, relative to its prefix, with their bytes. */
const segments = new Map<string, Buffer>();
const running: { worker: RunningWorker; dataDir: string }[] = [];

beforeAll(async () => {
  clip = await packageTestClip(30);
  sha = clip.sha;
  bucket = await startS3rverBucket("segcache-s3");
  const storage = createS3Storage(bucket.options);
  for (const [file, bytes] of clip.files) {
    await storage.put(`${sha}/${file}`, bytes);
    if (isImmutablePackageFile(`${sha}/${file}`)) segments.set(file, bytes);
  }
  proxy = await startFaultProxy(bucket.options.endpoint);
}, 120_000);

afterEach(async () => {
  proxy.clear();
  proxy.requests.length = 0;
  for (const { worker, dataDir } of running.splice(0)) {
    await worker.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

afterAll(async () => {
  await proxy?.close();
  await bucket?.close();
  await clip?.remove();
});

/** A worker on Node reading the bucket through the counting proxy, with the clip as a public video. */
async function startWorker(env: Record<string, string> = {}): Promise<RunningWorker> {
  const dataDir = await tempDataDir("segcache");
  const { endpoint: _, ...s3 } = bucket.options;
  const worker = await startNodeWorker({
    ...TEST_SECRETS,
    DEMO_MODE: "1",
    EDGESTREAM_DATA_DIR: dataDir,
    PORT: "0",
    S3_ENDPOINT: proxy.url,
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    ...env,
  });
  running.push({ worker, dataDir });
  await insertVideo(worker.deps.db, { id: "clip1", ownerId: "demo:owner", title: "Clip", status: "ready", visibility: "public", storagePrefix: sha, durationMs: clip.durationMs });
  return worker;
}

/** A viewer's own manifest URL (its own token) from /stream, after a demo sign-in. */
async function viewerManifest(worker: RunningWorker, name: string): Promise<string> {
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
  const { token } = (await login.json()) as { token: string };
  const stream = await fetch(`${worker.url}/api/videos/clip1/stream`, { headers: { Authorization: `Bearer ${token}` } });
  expect(stream.status).toBe(200);
  return new URL(((await stream.json()) as { manifestUrl: string }).manifestUrl, worker.url).href;
}

/** A package file's signed URL, resolved against the manifest as a player resolves it (the token goes along). */
function fileUrl(manifest: string, file: string): string {
  const url = new URL(file, manifest);
  url.search = new URL(manifest).search;
  return url.href;
}

/** S3 GETs of one package file that reached the bucket. */
function s3Reads(file: string): number {
  return proxy.requests.filter((line) => line === `GET /${bucket.options.bucket}/${sha}/${file}`).length;
}


describe("segments shared across viewers (Node, S3)", () => {
  it("serves 50 viewers with 50 tokens every segment of a video with one S3 read per segment", async () => {
    const worker = await startWorker();
    const manifests = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => viewerManifest(worker, `viewer-${i}`)));
    expect(new Set(manifests).size).toBe(VIEWERS);
    expect(segments.size).toBeGreaterThanOrEqual(4);
    const direct = createS3Storage(bucket.options);
    await expectViewersServed(
      manifests.map((manifest) => (file) => fileUrl(manifest, file)),
      [...segments],
      async (file) => (await direct.head(`${sha}/${file}`))!.etag!,
    );
    for (const file of segments.keys()) expect({ file, reads: s3Reads(file) }).toEqual({ file, reads: 1 });
  }, 120_000);

  it("coalesces 50 simultaneous misses for one segment into one S3 read", async () => {
    const worker = await startWorker();
    const manifest = await viewerManifest(worker, "solo");
    const [file, bytes] = [...segments].at(-1)!;
    await expectSimultaneousServed(fileUrl(manifest, file), bytes, VIEWERS);
    expect(s3Reads(file)).toBe(1);
  }, 60_000);

  it("answers Range requests from the cached segment, 416 past its end", async () => {
    const worker = await startWorker();
    const manifest = await viewerManifest(worker, "seeker");
    const [file, bytes] = [...segments].find(([name]) => name.endsWith(".m4s"))!;
    // The first request is ranged: it still costs one whole read, and the rest come from the cache.
    await expectRangesServed(fileUrl(manifest, file), bytes);
    expect(s3Reads(file)).toBe(1);
  }, 60_000);

  it("with the cache off (SEGMENT_CACHE_MAX_BYTES=0) passes each Range to S3 and answers exactly the bytes asked, bytes=0-0 included", async () => {
    const worker = await startWorker({ SEGMENT_CACHE_MAX_BYTES: "0" });
    const manifest = await viewerManifest(worker, "uncached-seeker");
    const [file, bytes] = [...segments].find(([name]) => name.endsWith(".m4s"))!;
    await expectRangesServed(fileUrl(manifest, file), bytes);
    expect(s3Reads(file)).toBeGreaterThanOrEqual(5); // one ranged read per case: nothing was cached
  }, 60_000);

  it("gives every waiting viewer the storage error and caches nothing: the next request reads S3 again", async () => {
    const worker = await startWorker();
    const manifest = await viewerManifest(worker, "unlucky");
    const [file, bytes] = [...segments][0]!;
    proxy.failAll(503);
    // What one failing read costs the S3 driver on its own (its retries), through the same proxy.
    const alone = await createS3Storage({ ...bucket.options, endpoint: proxy.url, retryDelayMs: 1 }).get(`${sha}/${file}`).catch((error: Error) => error);
    expect(alone).toBeInstanceOf(StorageUnavailableError);
    const attemptsPerRead = s3Reads(file);
    expect(attemptsPerRead).toBeGreaterThan(1);
    proxy.requests.length = 0;
    const failed = await Promise.all(Array.from({ length: 5 }, () => fetch(fileUrl(manifest, file))));
    for (const response of failed) {
      expect([response.status, response.headers.get("cache-control")]).toEqual([503, "no-store"]);
      expect(await response.json()).toMatchObject({ error: { code: "storage_unavailable" } });
    }
    // One read in flight for the five viewers, with the driver's own retries.
    expect(s3Reads(file)).toBe(attemptsPerRead);
    proxy.clear();
    for (let i = 0; i < 2; i++) {
      const response = await fetch(fileUrl(manifest, file));
      expect(response.status).toBe(200);
      expect((await bytesOf(response)).equals(bytes)).toBe(true);
    }
    expect(s3Reads(file)).toBe(attemptsPerRead + 1);
  }, 60_000);

  it("keeps no more segment bytes than SEGMENT_CACHE_MAX_BYTES, dropping the least recently used", async () => {
    // The video rendition's segments in playing order, under a cap that holds about four of them
    // (a quarter of the cap is the largest object kept, so the largest still fits).
    const files = [...segments].filter(([file]) => !file.startsWith("audio/") && file.endsWith(".m4s"));
    const largest = Math.max(...files.map(([, bytes]) => bytes.length));
    const cap = 4 * largest;
    expect(files.reduce((sum, [, bytes]) => sum + bytes.length, 0)).toBeGreaterThan(cap);
    const worker = await startWorker({ SEGMENT_CACHE_MAX_BYTES: String(cap) });
    const manifest = await viewerManifest(worker, "bounded");
    const kept: string[] = [];
    let keptBytes = 0;
    for (const [file, bytes] of files) {
      await bytesOf(await fetch(fileUrl(manifest, file)));
      kept.push(file);
      keptBytes += bytes.length;
      while (keptBytes > cap) keptBytes -= segments.get(kept.shift()!)!.length;
    }
    const before = new Map(files.map(([file]) => [file, s3Reads(file)]));
    for (const file of [...kept].reverse()) await bytesOf(await fetch(fileUrl(manifest, file)));
    for (const file of kept) expect({ file, reads: s3Reads(file) }).toEqual({ file, reads: before.get(file) });
    const evicted = files.map(([file]) => file).filter((file) => !kept.includes(file));
    expect(evicted.length).toBeGreaterThan(0);
    for (const file of evicted) {
      await bytesOf(await fetch(fileUrl(manifest, file)));
      expect({ file, reads: s3Reads(file) }).toEqual({ file, reads: before.get(file)! + 1 });
    }
  }, 60_000);
});
