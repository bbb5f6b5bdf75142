import { describe, expect, it } from "vitest";
import { DEFAULT_SEGMENT_CACHE_BYTES } from "../segment-cache/memory-store.ts";
import { parseNodeSettings } from "./node-settings.ts";

describe("Node settings: the segment cache", () => {
  it("gives segments read from S3 256 MiB of memory unless SEGMENT_CACHE_MAX_BYTES says otherwise (0: none)", () => {
    expect(DEFAULT_SEGMENT_CACHE_BYTES).toBe(256 * 1024 * 1024);
    expect(parseNodeSettings({}).segmentCacheBytes).toBe(DEFAULT_SEGMENT_CACHE_BYTES);
    expect(parseNodeSettings({ SEGMENT_CACHE_MAX_BYTES: "1048576" }).segmentCacheBytes).toBe(1048576);
    expect(parseNodeSettings({ SEGMENT_CACHE_MAX_BYTES: "0" }).segmentCacheBytes).toBe(0);
  });

  it("refuses a size that is not a whole number of bytes, naming the key", () => {
    for (const value of ["lots", "-1", "1.5"]) {
      expect(() => parseNodeSettings({ SEGMENT_CACHE_MAX_BYTES: value })).toThrow(/^invalid configuration: SEGMENT_CACHE_MAX_BYTES /);
    }
  });
});
