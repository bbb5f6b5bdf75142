// The segment cache on Cloudflare Workers: the data centre's Cache API (caches.default) in front of
// R2. Entries are keyed by URL under the worker's own origin (Cloudflare's advice: a foreign hostname
// costs DNS lookups), in a path no route serves; Range requests are answered by the cache itself.
import { RangeNotSatisfiableError, type RangeRequest } from "@edgestream/contracts";
import { formatRangeHeader } from "../http/range.ts";
import { storedFromBytes, type CachedObject, type SegmentStore } from "./segment-store.ts";

/** The part of the Workers Cache this store uses (structural, so no Workers types are needed). */
export interface CacheLike {
  match(request: Request): Promise<Response | undefined>;
  put(request: Request, response: Response): Promise<void>;
  delete(request: Request): Promise<boolean>;
}

const KEY_PATH = "/__edgestream/segment-cache/";
/**
 * How long a data centre keeps a segment. Package files never change, but the Cache API cannot be
 * purged everywhere from a worker: a deleted video's segments may stay this long in other data
 * centres (readable only with a stream token that is still valid).
 */
const TTL_SECONDS = 24 * 60 * 60;
/** Objects are held in memory while they are stored; segments are a few MB, progressive MP4s are not. */
const MAX_OBJECT_BYTES = 32 * 1024 * 1024;

export function createCacheApiStore(cache: CacheLike, origin: string): SegmentStore {
  // Keys are safe storage keys (no "..", nothing to escape): they go into the path as they are.
  const request = (key: string, range?: RangeRequest) => new Request(`${origin}${KEY_PATH}${key}`, range ? { headers: { Range: formatRangeHeader(range) } } : {});
  return {
    maxObjectBytes: MAX_OBJECT_BYTES,

    async get(key, range) {
      const response = await cache.match(request(key, range));
      if (!response) return null;
      const etag = response.headers.get("ETag") ?? undefined;
      const meta = etag ? { etag } : {};
      const contentRange = response.headers.get("Content-Range") ?? "";
      if (response.status === 416) {
        await response.body?.cancel();
        throw new RangeNotSatisfiableError(Number(/\/(\d+)$/.exec(contentRange)?.[1] ?? 0));
      }
      const part = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
      if (response.status === 206 && part && response.body) {
        const [offset, last, size] = part.slice(1).map(Number) as [number, number, number];
        return { body: response.body, size, range: { offset, length: last - offset + 1 }, ...meta };
      }
      const length = response.headers.get("Content-Length");
      if (response.status === 200 && length !== null && !range && response.body) return { body: response.body, size: Number(length), ...meta };
      // The whole object where a range was asked (or no length): cut it here.
      const bytes = new Uint8Array(await response.arrayBuffer());
      return storedFromBytes(etag ? { bytes, etag } : { bytes }, range);
    },

    async put(key, object: CachedObject) {
      const headers: Record<string, string> = { "Content-Length": String(object.bytes.byteLength), "Cache-Control": `public, max-age=${TTL_SECONDS}` };
      if (object.etag) headers["ETag"] = object.etag;
      try {
        await cache.put(request(key), new Response(object.bytes as Uint8Array<ArrayBuffer>, { headers }));
      } catch (error) {
        // A cache that cannot keep this object costs a storage read next time, nothing more.
        console.warn(`segment cache: could not keep ${key}: ${(error as Error).message}`);
      }
    },

    async delete(key) {
      await cache.delete(request(key));
    },
  };
}
