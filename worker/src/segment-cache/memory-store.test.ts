import { describe, expect, it } from "vitest";
import { createMemorySegmentStore } from "./memory-store.ts";

const object = (size: number, fill: number) => ({ bytes: new Uint8Array(size).fill(fill), etag: `"e${fill}"` });

describe("in-memory segment store", () => {
  it("never holds more bytes than its cap, dropping the least recently used first", async () => {
    const store = createMemorySegmentStore(10_000);
    for (let i = 0; i < 5; i++) await store.put(`k${i}`, object(2_000, i));
    expect(store.bytes).toBe(10_000);
    await (await store.get("k0"))!.body.cancel(); // k0 is now the most recent
    await store.put("k5", object(2_400, 5));
    expect(store.bytes).toBeLessThanOrEqual(10_000);
    expect(await store.get("k1")).toBeNull();
    expect(await store.get("k2")).toBeNull();
    for (const key of ["k0", "k3", "k4", "k5"]) expect(await store.get(key)).not.toBeNull();
    expect(store.bytes).toBe(8_400);
  });

  it("does not keep an object larger than a quarter of its cap", async () => {
    const store = createMemorySegmentStore(10_000);
    expect(store.maxObjectBytes).toBe(2_500);
    await store.put("big", object(2_501, 1));
    expect(await store.get("big")).toBeNull();
    expect(store.bytes).toBe(0);
  });
});
