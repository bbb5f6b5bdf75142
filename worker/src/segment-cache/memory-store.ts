// The segment cache on Node and Deno: the most recently used segments in process memory, bounded in
// bytes (lru-cache does the accounting and the eviction).
import { LRUCache } from "lru-cache";
import { storedFromBytes, type CachedObject, type SegmentStore } from "./segment-store.ts";

/** SEGMENT_CACHE_MAX_BYTES when unset: 256 MiB, about 100 four-second 1080p segments. */
export const DEFAULT_SEGMENT_CACHE_BYTES = 256 * 1024 * 1024;

export interface MemorySegmentStore extends SegmentStore {
  /** Bytes held now; never above the cap. */
  readonly bytes: number;
}

export function createMemorySegmentStore(maxBytes: number): MemorySegmentStore {
  // One object may take a quarter of the cap at most, so one large file cannot flush every hot segment.
  const maxObjectBytes = Math.floor(maxBytes / 4);
  const lru = new LRUCache<string, CachedObject>({
    maxSize: maxBytes,
    maxEntrySize: maxObjectBytes,
    sizeCalculation: (object) => Math.max(1, object.bytes.byteLength),
  });
  return {
    maxObjectBytes,
    get bytes() {
      return lru.calculatedSize;
    },
    async get(key, range) {
      const object = lru.get(key);
      return object ? storedFromBytes(object, range) : null;
    },
    async put(key, object) {
      lru.set(key, object);
    },
    async delete(key) {
      lru.delete(key);
    },
  };
}
