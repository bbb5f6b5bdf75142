// The node publishing into an S3-compatible bucket (s3rver over HTTP), configured only by S3_* env:
// a job reads its source from the bucket and writes the package back, read here with the contracts' S3 driver.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Storage } from "@edgestream/contracts/storage/s3";
import { startS3rverBucket, type S3rverBucket } from "@edgestream/contracts/testing/s3rver-bucket";
import { startNodeServer } from "./server.ts";
import { generateTestPattern } from "./test-pattern.ts";

const SECRET = "s".repeat(40);
let dir: string;
let s3: S3rverBucket;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-node-s3-"));
  s3 = await startS3rverBucket("node-s3-bucket");
  endpoint = s3.options.endpoint;
});
afterAll(async () => {
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("transcode node with S3 storage", () => {
  it("packages a source from the bucket into the bucket", async () => {
    const credentials = { endpoint, bucket: "media", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
    const bucket = createS3Storage(credentials);
    await generateTestPattern(join(dir, "clip.mp4"), { seconds: 3, width: 160, height: 90 });
    await bucket.put("uploads/clip", await readFile(join(dir, "clip.mp4")));
    const node = await startNodeServer({
      NODE_SECRET: SECRET, PORT: "0", WORK_DIR: join(dir, "work"), HWACCEL: "software", LADDER: "90",
      S3_ENDPOINT: endpoint, S3_BUCKET: "media", S3_REGION: "us-east-1", S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER",
    });
    try {
      const auth = { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" };
      const created = (await (await fetch(`${node.url}/v1/jobs`, { method: "POST", headers: auth, body: JSON.stringify({ source: { storageKey: "uploads/clip" } }) })).json()) as { id: string };
      let job: { status: string; result?: { storagePrefix: string } } = { status: "queued" };
      for (let i = 0; i < 200 && (job.status === "queued" || job.status === "running"); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await (await fetch(`${node.url}/v1/jobs/${created.id}`, { headers: auth })).json()) as typeof job;
      }
      expect(job.status).toBe("succeeded");
      const keys = await bucket.list(job.result!.storagePrefix);
      expect(keys).toContain(`${job.result!.storagePrefix}/master.m3u8`);
      expect(keys).toContain(`${job.result!.storagePrefix}/meta.json`);
      expect(keys.some((k) => /\/seg_\d{5}\.m4s$/.test(k))).toBe(true);
      const master = await new Response((await bucket.get(`${job.result!.storagePrefix}/master.m3u8`))!.body).text();
      expect(master).toMatch(/^#EXTM3U/);
    } finally {
      await node.close();
    }
  });

  it("refuses to start with S3_ENDPOINT but no bucket, naming what is missing", async () => {
    await expect(startNodeServer({ NODE_SECRET: SECRET, PORT: "0", S3_ENDPOINT: endpoint })).rejects.toThrow("S3_ENDPOINT is set, so S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY must be too");
  });
});
