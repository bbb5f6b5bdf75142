import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RangeNotSatisfiableError, StorageUnavailableError, type StorageDriver, type StoredObject } from "@edgestream/contracts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import { countingStorage, type CountingStorage } from "../testing/counting-storage.ts";
import { withSegmentCache } from "./caching-storage.ts";
import { createMemorySegmentStore } from "./memory-store.ts";

const SEGMENT = "pkg/720p/seg_00000.m4s";
/** Distinct bytes at every offset (a counter), so a wrong range shows. */
const BYTES = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

let dir: string;
let counted: CountingStorage;
let cached: StorageDriver;

const text = (object: StoredObject | null) => new Response(object!.body).arrayBuffer().then((b) => new Uint8Array(b));

/** A driver whose first read of SEGMENT takes the bytes, then waits for release() before answering. */
function holdingReads(inner: StorageDriver) {
  let reached!: () => void;
  let release!: () => void;
  const read = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const storage: StorageDriver = {
    ...inner,
    async get(key, options) {
      const object = await inner.get(key, options);
      if (key !== SEGMENT || held || !object) return object;
      held = true;
      const bytes = await new Response(object.body).arrayBuffer();
      reached();
      await released;
      return { ...object, body: new Response(bytes).body! };
    },
  };
  return { storage, read, release };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-segcache-"));
  counted = countingStorage(createFsStorage(dir));
  cached = withSegmentCache(counted, createMemorySegmentStore(1024 * 1024));
  await counted.put(SEGMENT, BYTES);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("segment cache over a storage driver", () => {
  it("reads a segment from storage once for 50 simultaneous readers, and never again", async () => {
    const objects = await Promise.all(Array.from({ length: 50 }, () => cached.get(SEGMENT)));
    expect(counted.reads(SEGMENT)).toBe(1);
    for (const body of await Promise.all(objects.map(text))) expect(body).toEqual(BYTES);
    expect(await text(await cached.get(SEGMENT))).toEqual(BYTES);
    expect(counted.reads(SEGMENT)).toBe(1);
  });

  it("answers with the size and ETag storage gives", async () => {
    const direct = await counted.get(SEGMENT);
    await direct!.body.cancel();
    const first = await cached.get(SEGMENT);
    const second = await cached.get(SEGMENT);
    for (const object of [first, second]) {
      expect({ size: object!.size, etag: object!.etag, range: object!.range }).toEqual({ size: direct!.size, etag: direct!.etag, range: undefined });
      await object!.body.cancel();
    }
  });

  it("serves ranges from the cached object as the driver would, 416 past the end", async () => {
    await (await cached.get(SEGMENT))!.body.cancel();
    const reads = counted.reads(SEGMENT);
    const cases = [
      { range: { offset: 100, length: 50 }, part: { offset: 100, length: 50 } },
      { range: { offset: 4990 }, part: { offset: 4990, length: 10 } },
      { range: { suffix: 7 }, part: { offset: 4993, length: 7 } },
      { range: { offset: 4000, length: 5000 }, part: { offset: 4000, length: 1000 } },
    ];
    for (const { range, part } of cases) {
      const fromCache = await cached.get(SEGMENT, { range });
      const fromDriver = await createFsStorage(dir).get(SEGMENT, { range });
      expect(fromCache!.range).toEqual(part);
      expect(fromCache!.range).toEqual(fromDriver!.range);
      expect(fromCache!.size).toBe(BYTES.length);
      expect(await text(fromCache)).toEqual(await text(fromDriver));
      expect(await text(await cached.get(SEGMENT, { range }))).toEqual(BYTES.subarray(part.offset, part.offset + part.length));
    }
    await expect(cached.get(SEGMENT, { range: { offset: 5000 } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    expect(counted.reads(SEGMENT)).toBe(reads);
  });

  it("answers a first ranged request from one whole read, then serves the rest from the cache", async () => {
    const results = await Promise.all([cached.get(SEGMENT, { range: { offset: 10, length: 5 } }), cached.get(SEGMENT), cached.get(SEGMENT, { range: { suffix: 3 } })]);
    expect(counted.reads(SEGMENT)).toBe(1);
    expect(await text(results[0])).toEqual(BYTES.subarray(10, 15));
    expect(await text(results[1])).toEqual(BYTES);
    expect(await text(results[2])).toEqual(BYTES.subarray(4997));
  });

  it("gives every waiter the error of a failed read and caches nothing: the next request reads again", async () => {
    counted.failNextReads(SEGMENT, 1);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => cached.get(SEGMENT)));
    expect(counted.reads(SEGMENT)).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    }
    expect(await text(await cached.get(SEGMENT))).toEqual(BYTES);
    expect(counted.reads(SEGMENT)).toBe(2);
    expect(await text(await cached.get(SEGMENT))).toEqual(BYTES);
    expect(counted.reads(SEGMENT)).toBe(2);
  });

  it("does not remember a missing segment", async () => {
    expect(await cached.get("pkg/720p/seg_00009.m4s")).toBeNull();
    await counted.put("pkg/720p/seg_00009.m4s", "late");
    expect(new TextDecoder().decode(await text(await cached.get("pkg/720p/seg_00009.m4s")))).toBe("late");
  });

  it("reads playlists, meta.json, uploads and a session's growing folder from storage every time", async () => {
    const keys = ["pkg/master.m3u8", "pkg/720p/index.m3u8", "pkg/meta.json", "pkg/720p-live/seg_00000.m4s", "uploads/u1/source"];
    for (const key of keys) await counted.put(key, "x");
    for (const key of keys) {
      await text(await cached.get(key));
      await text(await cached.get(key));
      expect(counted.reads(key)).toBe(2);
    }
  });

  it("forgets a segment when it is deleted or written again through it", async () => {
    await text(await cached.get(SEGMENT));
    await cached.put(SEGMENT, "rewritten");
    expect(new TextDecoder().decode(await text(await cached.get(SEGMENT)))).toBe("rewritten");
    await cached.delete(SEGMENT);
    expect(await cached.get(SEGMENT)).toBeNull();
  });

  it("does not keep a segment whose read was in flight when it was deleted or written again", async () => {
    const changes: [() => Promise<void>, string | null][] = [
      [() => cached.delete(SEGMENT), null],
      [() => cached.put(SEGMENT, "rewritten"), "rewritten"],
    ];
    for (const [change, expected] of changes) {
      await counted.put(SEGMENT, BYTES);
      const held = holdingReads(counted);
      cached = withSegmentCache(held.storage, createMemorySegmentStore(1024 * 1024));
      const reading = cached.get(SEGMENT);
      await held.read; // storage has given the old bytes; the cache has not stored them yet
      await change();
      held.release();
      expect(await text(await reading)).toEqual(BYTES); // the request that started before the change
      const after = await cached.get(SEGMENT);
      expect(after && new TextDecoder().decode(await text(after))).toBe(expected);
    }
  });

  it("reads an object too large to keep from storage for each request, whole and correct", async () => {
    const small = withSegmentCache(counted, createMemorySegmentStore(4 * 1024)); // keeps objects up to 1 KiB
    const objects = await Promise.all([small.get(SEGMENT), small.get(SEGMENT, { range: { offset: 1, length: 2 } })]);
    expect(await text(objects[0])).toEqual(BYTES);
    expect(await text(objects[1])).toEqual(BYTES.subarray(1, 3));
    expect(counted.reads(SEGMENT)).toBe(2); // the first request's read, and the ranged one's own
    expect(await text(await small.get(SEGMENT))).toEqual(BYTES);
    expect(counted.reads(SEGMENT)).toBe(3); // one read per request, as without a cache
  });
});
