import { describe, expect, it } from "vitest";
import { PlaylistCache } from "./playlist-cache.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (entry: { bytes: Uint8Array } | undefined) => (entry ? new TextDecoder().decode(entry.bytes) : undefined);

describe("PlaylistCache", () => {
  it("answers by key and ETag, so a changed object is a miss", () => {
    const cache = new PlaylistCache(100);
    cache.set("a/index.m3u8", '"1"', bytes("#EXTM3U one"));
    expect(text(cache.get("a/index.m3u8", '"1"'))).toBe("#EXTM3U one");
    expect(cache.get("a/index.m3u8", '"2"')).toBeUndefined();
  });

  it("evicts the least recently used entries past its size (each counted twice: bytes and byte string)", () => {
    const cache = new PlaylistCache(200);
    cache.set("a", "e", bytes("x".repeat(20)));
    cache.set("b", "e", bytes("y".repeat(20)));
    cache.get("a", "e");
    cache.set("c", "e", bytes("z".repeat(20)));
    cache.set("d", "e", bytes("w".repeat(20)));
    cache.set("e", "e", bytes("v".repeat(25)));
    expect(cache.get("b", "e")).toBeUndefined();
    expect(text(cache.get("a", "e"))).toBe("x".repeat(20));
    expect(text(cache.get("e", "e"))).toBe("v".repeat(25));
  });

  it("does not keep one playlist larger than a quarter of its size, but hands it back", () => {
    const cache = new PlaylistCache(200);
    expect(text(cache.set("big", "e", bytes("x".repeat(26))))).toBe("x".repeat(26));
    expect(cache.get("big", "e")).toBeUndefined();
  });

  it("gives the bytes back as a byte string, one character per byte", () => {
    const cache = new PlaylistCache(200);
    const entry = cache.set("k", "e", new Uint8Array([0xef, 0xbb, 0xbf, 0x23, 0xe9]));
    expect(entry.byteString()).toBe("\xef\xbb\xbf#\xe9");
  });
});
