// What the segment cache keeps, and the interface of the places that keep it: process memory on
// Node and Deno (memory-store.ts), the data centre's Cache API on Workers (cache-api-store.ts).
import { resolveRange, type RangeRequest, type StoredObject } from "@edgestream/contracts";

/** One whole immutable object as storage returned it. */
export interface CachedObject {
  bytes: Uint8Array;
  etag?: string;
}

export interface SegmentStore {
  /** The largest object worth keeping; a larger one is read from storage on every request. */
  readonly maxObjectBytes: number;
  /** The kept object, or the asked range of it (RangeNotSatisfiableError past its end); null when not kept. */
  get(key: string, range?: RangeRequest): Promise<StoredObject | null>;
  put(key: string, object: CachedObject): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Bytes in memory answered as a driver answers: the whole object, or one range of it with its size. */
export function storedFromBytes(object: CachedObject, range?: RangeRequest): StoredObject {
  const size = object.bytes.byteLength;
  const etag = object.etag ? { etag: object.etag } : {};
  if (!range) return { body: streamOf(object.bytes), size, ...etag };
  const part = resolveRange(range, size);
  return { body: streamOf(object.bytes.subarray(part.offset, part.offset + part.length)), size, range: part, ...etag };
}

/** A body of known length: workerd drops the Content-Length of a stream it cannot measure. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Response(bytes as Uint8Array<ArrayBuffer>).body!;
}
