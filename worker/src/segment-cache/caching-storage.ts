// The storage driver the segment route reads through: the immutable files of a package (init and
// media segments) come from a cache keyed by their storage key, which carries no token, so all the
// viewers of a video share one storage read per file. Concurrent misses for one key share one read
// in flight; a failed read reaches every waiter and leaves nothing cached, and so does a read that a
// delete or write of its key overtook (its bytes may be gone). Everything else (playlists,
// meta.json, uploads, a session's growing `-live` folder) goes straight to the driver underneath.
import { isImmutablePackageFile, UPLOADS_PREFIX, type RangeRequest, type StorageDriver, type StoredObject } from "@edgestream/contracts";
import { storedFromBytes, type CachedObject, type SegmentStore } from "./segment-store.ts";

/** What one read from storage gave every request waiting on it. */
type Loaded = { object: CachedObject } | { tooLarge: StoredObject } | "missing" | "stored";

function isSharedSegmentKey(key: string): boolean {
  return !key.startsWith(UPLOADS_PREFIX) && isImmutablePackageFile(key);
}

/** A read from storage under way; `overtaken` once the key is deleted or written while it runs. */
type Read = { pending: Promise<Loaded>; change: { overtaken: boolean } };

export function withSegmentCache(inner: StorageDriver, store: SegmentStore): StorageDriver {
  const inflight = new Map<string, Read>();

  async function load(key: string, change: Read["change"]): Promise<Loaded> {
    // A read that ended between this request's miss and now has stored the object already.
    const stored = await store.get(key);
    if (stored) {
      await stored.body.cancel();
      return "stored";
    }
    const object = await inner.get(key);
    if (!object) return "missing";
    if (object.size > store.maxObjectBytes) return { tooLarge: object };
    const bytes = new Uint8Array(await new Response(object.body).arrayBuffer());
    if (bytes.byteLength !== object.size) throw new Error(`storage returned ${bytes.byteLength} of the ${object.size} bytes of ${key}`);
    const cached: CachedObject = object.etag ? { bytes, etag: object.etag } : { bytes };
    // The waiters asked before the change and get these bytes; later requests read again.
    if (change.overtaken) return { object: cached };
    await store.put(key, cached);
    // Overtaken while an asynchronous store (the Cache API) was putting it: take it out again.
    if (change.overtaken) await store.delete(key);
    return { object: cached };
  }

  /** The read in flight for this key, or a new one that this request leads. */
  function loadOnce(key: string): { pending: Promise<Loaded>; leader: boolean } {
    const running = inflight.get(key);
    if (running) return { pending: running.pending, leader: false };
    const change = { overtaken: false };
    const pending = load(key, change).finally(() => {
      if (inflight.get(key)?.change === change) inflight.delete(key);
    });
    inflight.set(key, { pending, change });
    return { pending, leader: true };
  }

  /** The key changed in storage: what is cached goes, a read under way keeps nothing, new requests read again. */
  async function forget(key: string): Promise<void> {
    const read = inflight.get(key);
    if (read) {
      read.change.overtaken = true;
      inflight.delete(key);
    }
    await store.delete(key);
  }

  async function getShared(key: string, range: RangeRequest | undefined): Promise<StoredObject | null> {
    if (!inflight.has(key)) {
      const hit = await store.get(key, range);
      if (hit) return hit;
    }
    const { pending, leader } = loadOnce(key);
    const loaded = await pending;
    if (loaded === "missing") return null;
    if (typeof loaded === "object" && "object" in loaded) return storedFromBytes(loaded.object, range);
    if (typeof loaded === "object") {
      // Too large to keep: the whole body is the leader's when it asked for all of it; others read on their own.
      if (leader && !range) return loaded.tooLarge;
      if (leader) await loaded.tooLarge.body.cancel();
    }
    // Kept by a read that ended just before (unless evicted since), or too large to keep.
    return (loaded === "stored" ? await store.get(key, range) : null) ?? inner.get(key, range ? { range } : {});
  }

  return {
    name: inner.name,
    get: (key, options = {}) => (isSharedSegmentKey(key) ? getShared(key, options.range) : inner.get(key, options)),
    head: (key) => inner.head(key),
    async put(key, body) {
      await inner.put(key, body);
      if (isSharedSegmentKey(key)) await forget(key);
    },
    async delete(key) {
      await inner.delete(key);
      if (isSharedSegmentKey(key)) await forget(key);
    },
    list: (prefix) => inner.list(prefix),
  };
}
