import { describe, expect, it } from "vitest";
import { PlaylistCache } from "./playlist-cache.ts";

describe("PlaylistCache", () => {
  it("answers by key and ETag, so a changed object is a miss", () => {
    const cache = new PlaylistCache(100);
    cache.set("a/index.m3u8", '"1"', "#EXTM3U one");
    expect(cache.get("a/index.m3u8", '"1"')).toBe("#EXTM3U one");
    expect(cache.get("a/index.m3u8", '"2"')).toBeUndefined();
  });

  it("evicts the least recently used entries past its size", () => {
    const cache = new PlaylistCache(100);
    cache.set("a", "e", "x".repeat(20));
    cache.set("b", "e", "y".repeat(20));
    cache.get("a", "e");
    cache.set("c", "e", "z".repeat(20));
    cache.set("d", "e", "w".repeat(20));
    cache.set("e", "e", "v".repeat(25));
    expect(cache.get("b", "e")).toBeUndefined();
    expect(cache.get("a", "e")).toBe("x".repeat(20));
    expect(cache.get("e", "e")).toBe("v".repeat(25));
  });

  it("does not keep one playlist larger than a quarter of its size", () => {
    const cache = new PlaylistCache(100);
    cache.set("big", "e", "x".repeat(26));
    expect(cache.get("big", "e")).toBeUndefined();
  });
});
