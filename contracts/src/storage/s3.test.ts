// The S3 driver against a real S3-compatible server (s3rver) over HTTP on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStorageContract } from "../testing/storage-contract.ts";
import { startS3rverBucket, type S3rverBucket } from "../testing/s3rver-bucket.ts";
import { createS3Storage, type S3Options } from "./s3.ts";

let bucket: S3rverBucket;
let options: S3Options;

beforeAll(async () => {
  bucket = await startS3rverBucket("s3");
  options = bucket.options;
});
afterAll(async () => {
  await bucket?.close();
});

// 11 MiB: three parts of a multipart upload at the 5 MiB minimum part size.
describeStorageContract("s3", () => createS3Storage(options), { multipartBytes: 11 * 1024 * 1024 + 5 });

describe("s3 storage errors", () => {
  it("says which request failed and why when the bucket does not exist", async () => {
    const wrong = createS3Storage({ ...options, bucket: "no-such-bucket" });
    await expect(wrong.put("x/a.txt", "x")).rejects.toThrow("S3 PUT x/a.txt failed: HTTP 404 (The specified bucket does not exist)");
    await expect(wrong.list("x")).rejects.toThrow(/^S3 listing x\/ failed: HTTP 404/);
  });
});
