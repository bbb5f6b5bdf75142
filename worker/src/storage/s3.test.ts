// The S3 driver against a real S3-compatible server (s3rver) over HTTP on loopback.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStorageContract } from "../testing/storage-contract.ts";
import { createS3Storage, type S3Options } from "./s3.ts";

let server: S3rver;
let dir: string;
let options: S3Options;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-s3-"));
  server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "media", configs: [] }] });
  const address = (await server.run()) as AddressInfo;
  options = {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: "media",
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    partSize: 5 * 1024 * 1024,
  };
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
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
