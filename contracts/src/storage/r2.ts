// Cloudflare R2 through its Worker binding. Streams of unknown length go up as a multipart upload
// (the binding's put() needs a known length for a stream), one part in memory at a time.
// A missing object is null; a binding call that throws (R2 failing or rate-limiting) is a
// StorageUnavailableError, as the S3 driver's exhausted retries are, so routes answer 503.
import { asStream, chunkStream } from "./chunks.ts";
import { assertSafeKey, resolveRange, StorageUnavailableError, type RangeRequest, type StorageDriver, type StoredObject } from "./driver.ts";

/** The part of the R2Bucket binding this driver uses (structural, so no Workers types are needed). */
export interface R2BucketLike {
  head(key: string): Promise<{ size: number; httpEtag: string } | null>;
  get(key: string, options?: { range?: { offset: number; length: number } }): Promise<{ body: ReadableStream<Uint8Array>; size: number; httpEtag: string } | null>;
  put(key: string, value: ArrayBuffer | Uint8Array | string): Promise<unknown>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{ objects: { key: string }[]; truncated: boolean; cursor?: string }>;
  createMultipartUpload(key: string): Promise<{
    uploadPart(partNumber: number, value: Uint8Array): Promise<{ partNumber: number; etag: string }>;
    complete(parts: { partNumber: number; etag: string }[]): Promise<unknown>;
    abort(): Promise<void>;
  }>;
}

const PART_SIZE = 8 * 1024 * 1024;

async function r2<T>(what: string, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StorageUnavailableError(`R2 ${what} of ${key} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function createR2Storage(bucket: R2BucketLike, partSize = PART_SIZE): StorageDriver {
  return {
    name: "r2",

    async get(key, options: { range?: RangeRequest } = {}): Promise<StoredObject | null> {
      assertSafeKey(key);
      if (!options.range) {
        const object = await r2("get", key, () => bucket.get(key));
        return object ? { body: object.body, size: object.size, etag: object.httpEtag } : null;
      }
      // Resolve the range against the real size first: R2 answers past-the-end ranges inconsistently.
      const head = await r2("head", key, () => bucket.head(key));
      if (!head) return null;
      const range = resolveRange(options.range, head.size);
      const object = await r2("get", key, () => bucket.get(key, { range }));
      return object ? { body: object.body, size: object.size, range, etag: object.httpEtag } : null;
    },

    async head(key) {
      assertSafeKey(key);
      const object = await r2("head", key, () => bucket.head(key));
      return object ? { size: object.size, etag: object.httpEtag } : null;
    },

    async put(key, body) {
      assertSafeKey(key);
      if (typeof body === "string" || body instanceof Uint8Array) {
        await r2("put", key, () => bucket.put(key, body));
        return;
      }
      const parts = chunkStream(asStream(body), partSize);
      const first = await parts.next();
      const second = first.done ? undefined : await parts.next();
      if (first.done || second?.done) {
        await r2("put", key, () => bucket.put(key, first.done ? new Uint8Array() : first.value));
        return;
      }
      const upload = await r2("multipart upload", key, () => bucket.createMultipartUpload(key));
      const uploadPart = (n: number, part: Uint8Array) => r2(`part ${n} upload`, key, () => upload.uploadPart(n, part));
      try {
        const uploaded = [await uploadPart(1, first.value), await uploadPart(2, second!.value)];
        for await (const part of parts) uploaded.push(await uploadPart(uploaded.length + 1, part));
        await r2("multipart completion", key, () => upload.complete(uploaded));
      } catch (error) {
        await upload.abort().catch(() => {});
        throw error;
      }
    },

    async delete(key) {
      assertSafeKey(key);
      await r2("delete", key, () => bucket.delete(key));
    },

    async list(prefix) {
      const folder = prefix ? `${prefix.replace(/\/$/, "")}/` : "";
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await r2("listing", folder, () => bucket.list(cursor ? { prefix: folder, cursor } : { prefix: folder }));
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys.sort();
    },
  };
}
