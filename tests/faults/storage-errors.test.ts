// An S3 backend answering 5xx (or dropping connections) for a while, through a fault-injecting proxy
// in front of s3rver: the driver retries idempotent requests and succeeds once the fault clears;
// when it does not clear, the worker answers a clear 503 JSON error instead of a 500.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { StorageUnavailableError } from "@edgestream/contracts";
import { createS3Storage, type S3Options } from "@edgestream/contracts/storage/s3";
import { startS3rverBucket, type S3rverBucket } from "@edgestream/contracts/testing/s3rver-bucket";
import { TEST_SECRETS } from "../helpers/stack.ts";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.ts";

let bucket: S3rverBucket;
let proxy: FaultProxy;
let direct: S3Options;
let proxied: S3Options;

beforeAll(async () => {
  bucket = await startS3rverBucket("s3faults");
  direct = bucket.options;
  proxy = await startFaultProxy(direct.endpoint);
  proxied = { ...direct, endpoint: proxy.url };
});
afterEach(() => {
  proxy.clear();
  proxy.log.length = 0;
});
afterAll(async () => {
  await proxy?.close();
  await bucket?.close();
});

describe("S3 driver through a failing backend", () => {
  it("retries GET, HEAD, PUT, DELETE and listing through a burst of 5xx and succeeds when it clears", async () => {
    const storage = createS3Storage({ ...proxied, retryDelayMs: 5 });
    proxy.failNext(3, 503);
    await storage.put("burst/a.txt", "hello");
    expect(proxy.log).toEqual(["PUT 503", "PUT 503", "PUT 503", "PUT 200"]);
    proxy.failNext(2, 500);
    expect(await new Response((await storage.get("burst/a.txt"))!.body).text()).toBe("hello");
    proxy.failNext(2, 502);
    expect(await storage.head("burst/a.txt")).toMatchObject({ size: 5 });
    proxy.failNext(2, 500);
    expect(await storage.list("burst")).toEqual(["burst/a.txt"]);
    proxy.failNext(1, 503);
    await storage.delete("burst/a.txt");
    expect(await createS3Storage(direct).head("burst/a.txt")).toBeNull();
  });

  it("retries a request whose connection was reset", async () => {
    const storage = createS3Storage({ ...proxied, retryDelayMs: 5 });
    await storage.put("reset/a.txt", "again");
    proxy.log.length = 0;
    proxy.failNext(2, 0);
    expect(await new Response((await storage.get("reset/a.txt"))!.body).text()).toBe("again");
    expect(proxy.log).toEqual(["GET 0", "GET 0", "GET 200"]);
  });

  it("does not retry starting a multipart upload (a POST is not idempotent) and says the storage failed", async () => {
    const storage = createS3Storage({ ...proxied, retryDelayMs: 5 });
    proxy.failNext(1, 500, "POST");
    const error = await storage.put("multi/big.bin", new Uint8Array(11 * 1024 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toBe("S3 starting the upload of multi/big.bin failed: HTTP 500 (injected fault)");
    expect(proxy.log).toEqual(["POST 500"]);
    expect(await createS3Storage(direct).head("multi/big.bin")).toBeNull();
  });

  it("gives up after its bounded retries with StorageUnavailableError when the fault does not clear", async () => {
    const storage = createS3Storage({ ...proxied, retries: 2, retryDelayMs: 5 });
    proxy.failAll(503);
    const error = await storage.get("anything/a.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toBe("S3 GET anything/a.txt failed: HTTP 503 (injected fault) after 3 attempts");
    expect(proxy.log).toEqual(["GET 503", "GET 503", "GET 503"]);
  });
});

describe("the worker on a failing S3 backend", () => {
  let worker: RunningWorker;
  let token: string;
  let segmentUrl: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const workerDir = await mkdtemp(join(tmpdir(), "edgestream-s3faults-worker-"));
    worker = await startNodeWorker({
      ...TEST_SECRETS,
      DEMO_MODE: "1",
      EDGESTREAM_DATA_DIR: workerDir,
      PORT: "0",
      S3_ENDPOINT: proxied.endpoint,
      S3_BUCKET: proxied.bucket,
      S3_REGION: proxied.region,
      S3_ACCESS_KEY_ID: proxied.accessKeyId,
      S3_SECRET_ACCESS_KEY: proxied.secretAccessKey,
    });
    const cleanup = worker.close;
    worker.close = () => cleanup().finally(() => rm(workerDir, { recursive: true, force: true }));
    const storage = createS3Storage(direct);
    await storage.put("pkg1/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nv/index.m3u8\n");
    await storage.put("pkg1/v/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg_00000.m4s\n#EXT-X-ENDLIST\n");
    await storage.put("pkg1/v/seg_00000.m4s", new Uint8Array(1000).fill(9));
    await storage.put("pkg1/v/seg_00001.m4s", new Uint8Array(1000).fill(8));
    const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    token = ((await login.json()) as { token: string }).token;
    const created = await fetch(`${worker.url}/api/videos`, { method: "POST", headers: { ...auth(), "Content-Type": "application/json" }, body: '{"title":"Packaged","storageKey":"pkg1"}' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const stream = (await (await fetch(`${worker.url}/api/videos/${id}/stream`, { headers: auth() })).json()) as { manifestUrl: string };
    segmentUrl = `${worker.url}${stream.manifestUrl.replace("master.m3u8", "v/seg_00000.m4s")}`;
  });
  afterAll(async () => {
    await worker?.close();
  });

  it("serves a segment through a short burst of 5xx", async () => {
    proxy.failNext(2, 503);
    const response = await fetch(segmentUrl);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array(1000).fill(9));
  });

  it("answers 503 storage_unavailable with no-store, not a 500 with internals, while the backend keeps failing, and 200 once it recovers", async () => {
    // A segment no one has read yet: one already served comes from the worker's segment cache.
    const coldSegmentUrl = segmentUrl.replace("seg_00000.m4s", "seg_00001.m4s");
    proxy.failAll(503);
    for (const url of [coldSegmentUrl, segmentUrl.replace("v/seg_00000.m4s", "master.m3u8")]) {
      const response = await fetch(url);
      expect(response.status).toBe(503);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Retry-After")).toMatch(/^\d+$/);
      expect(await response.json()).toEqual({ error: { code: "storage_unavailable", message: "media storage is not answering; try again shortly" } });
    }
    proxy.clear();
    expect((await fetch(coldSegmentUrl)).status).toBe(200);
  });

  it("keeps serving a segment already read while the backend keeps failing (the segment cache)", async () => {
    expect((await fetch(segmentUrl)).status).toBe(200);
    proxy.failAll(503);
    const response = await fetch(segmentUrl);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array(1000).fill(9));
    proxy.clear();
  });

  it("answers an upload with 503 storage_unavailable while the backend keeps failing, and 201 once it recovers", async () => {
    const upload = () => fetch(`${worker.url}/api/videos?title=Up`, { method: "POST", headers: { ...auth(), "Content-Type": "video/mp4" }, body: new Uint8Array(2000).fill(3) });
    proxy.failAll(500);
    const failed = await upload();
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: { code: "storage_unavailable", message: "media storage is not answering; try again shortly" } });
    proxy.clear();
    const done = await upload();
    expect(done.status).toBe(201);
    const { id } = (await done.json()) as { id: string };
    expect(await createS3Storage(direct).head(`uploads/${id}/source`)).toMatchObject({ size: 2000 });
  });
});
