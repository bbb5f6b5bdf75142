// The R2 driver against a real R2 binding: miniflare's, backed by workerd.
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStorageContract } from "../testing/storage-contract.ts";
import { StorageUnavailableError } from "./driver.ts";
import { createR2Storage, type R2BucketLike } from "./r2.ts";

let mf: Miniflare;
let bucket: R2BucketLike;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: "export default { fetch: () => new Response(null) }", r2Buckets: ["MEDIA"], compatibilityDate: "2025-01-01" });
  bucket = (await mf.getR2Bucket("MEDIA")) as unknown as R2BucketLike;
});
afterAll(() => mf?.dispose());

// 5 MiB parts (R2's minimum) so the large-body case goes through a three-part multipart upload.
describeStorageContract("r2", () => createR2Storage(bucket, 5 * 1024 * 1024), { multipartBytes: 11 * 1024 * 1024 + 5 });

describe("r2 driver when R2 fails", () => {
  it("turns a binding call that throws into a StorageUnavailableError, while a missing object stays null", async () => {
    const failing = new Miniflare({ modules: true, script: "export default { fetch: () => new Response(null) }", r2Buckets: ["MEDIA"], compatibilityDate: "2025-01-01" });
    const storage = createR2Storage((await failing.getR2Bucket("MEDIA")) as unknown as R2BucketLike);
    try {
      expect(await storage.get("a/missing")).toBeNull();
    } finally {
      await failing.dispose(); // the binding now has no runtime behind it: every call throws
    }
    await expect(storage.get("a/b")).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.get("a/b", { range: { offset: 0, length: 1 } })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.put("a/b", "x")).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.list("a")).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
