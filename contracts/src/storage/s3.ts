// S3-compatible storage (AWS S3, MinIO, R2's S3 API, …) over HTTP with aws4fetch signing.
// Bodies stream: small ones in one PUT, larger ones as a multipart upload, one part in memory at a time.
// Idempotent requests (GET, HEAD, PUT of an object or a part, DELETE, listing) are retried with
// exponential backoff on 5xx, 429 and dropped connections; POSTs (starting or completing a multipart
// upload) are sent once. What still fails that way is a StorageUnavailableError.
import { AwsClient } from "aws4fetch";
import { asStream, chunkStream, sliceStream } from "./chunks.ts";
import {
  assertSafeKey,
  RangeNotSatisfiableError,
  resolveRange,
  StorageUnavailableError,
  type RangeRequest,
  type StorageDriver,
  type StoredObject,
} from "./driver.ts";

export interface S3Options {
  /** e.g. "https://s3.eu-west-1.amazonaws.com" or "http://127.0.0.1:9000" */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Multipart part size in bytes; S3's minimum is 5 MiB. */
  partSize?: number;
  /** Retries of an idempotent request that got a 5xx/429 or no answer (default 4). */
  retries?: number;
  /** First backoff; each retry waits twice as long, with jitter (default 150 ms). */
  retryDelayMs?: number;
}

const MIN_PART = 5 * 1024 * 1024;

/** Worth sending again: the backend is overloaded or failing, not refusing this request. */
function isTransient(status: number): boolean {
  return status >= 500 || status === 429;
}

/** "HTTP 503 (the backend's own message)", from an S3 XML error body. */
async function statusOf(response: Response): Promise<string> {
  const detail = (await response.text().catch(() => "")).match(/<Message>([^<]*)<\/Message>/)?.[1];
  return `HTTP ${response.status}${detail ? ` (${detail})` : ""}`;
}

export function createS3Storage(options: S3Options): StorageDriver {
  // aws4fetch's own retries would resend POSTs too, and not retry a dropped connection: ours instead.
  const client = new AwsClient({ accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, service: "s3", region: options.region, retries: 0 });
  const retries = options.retries ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 150;
  const base = `${options.endpoint.replace(/\/+$/, "")}/${options.bucket}`;
  const partSize = Math.max(MIN_PART, options.partSize ?? 8 * 1024 * 1024);
  const url = (key: string, query = "") => {
    assertSafeKey(key);
    return `${base}/${key}${query}`;
  };
  /**
   * One request; an idempotent one is sent again while the backend answers 5xx/429 or not at all.
   * A backend still failing after that is a StorageUnavailableError; any other answer is returned.
   */
  const send = async (what: string, target: string, init: RequestInit = {}): Promise<Response> => {
    const attempts = init.method === "POST" ? 1 : retries + 1;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let dropped: Error | undefined;
      try {
        response = await client.fetch(target, init);
      } catch (error) {
        dropped = error as Error;
      }
      if (response && !isTransient(response.status)) return response;
      if (attempt >= attempts) {
        const why = response ? await statusOf(response) : dropped!.message;
        throw new StorageUnavailableError(`S3 ${what} failed: ${why}${tries}`);
      }
      await response?.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)));
    }
  };
  const fail = async (what: string, response: Response): Promise<never> => {
    throw new Error(`S3 ${what} failed: ${await statusOf(response)}`);
  };

  async function putParts(key: string, stream: ReadableStream<Uint8Array>): Promise<void> {
    const parts = chunkStream(stream, partSize);
    const first = await parts.next();
    const second = first.done ? undefined : await parts.next();
    if (first.done || second?.done) {
      // Fits in one part: a plain PUT with a known length.
      const body = first.done ? new Uint8Array() : first.value;
      const response = await send(`PUT ${key}`, url(key), { method: "PUT", body: body as Uint8Array<ArrayBuffer> });
      if (!response.ok) await fail(`PUT ${key}`, response);
      return;
    }
    const created = await send(`starting the upload of ${key}`, url(key, "?uploads"), { method: "POST" });
    if (!created.ok) await fail(`starting the upload of ${key}`, created);
    const uploadId = (await created.text()).match(/<UploadId>([^<]+)<\/UploadId>/)?.[1];
    if (!uploadId) throw new Error(`S3 did not return an UploadId for ${key}`);
    const etags: string[] = [];
    try {
      const upload = async (part: Uint8Array) => {
        const response = await send(`uploading part ${etags.length + 1} of ${key}`, url(key, `?partNumber=${etags.length + 1}&uploadId=${encodeURIComponent(uploadId)}`), {
          method: "PUT",
          body: part as Uint8Array<ArrayBuffer>,
        });
        if (!response.ok) await fail(`uploading part ${etags.length + 1} of ${key}`, response);
        etags.push(response.headers.get("ETag") ?? "");
      };
      await upload(first.value);
      await upload(second!.value);
      for await (const part of parts) await upload(part);
      const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
      const done = await send(`completing the upload of ${key}`, url(key, `?uploadId=${encodeURIComponent(uploadId)}`), { method: "POST", body: xml });
      if (!done.ok) await fail(`completing the upload of ${key}`, done);
    } catch (error) {
      await send(`aborting the upload of ${key}`, url(key, `?uploadId=${encodeURIComponent(uploadId)}`), { method: "DELETE" }).catch(() => {});
      throw error;
    }
  }

  return {
    name: "s3",

    async get(key, options: { range?: RangeRequest } = {}): Promise<StoredObject | null> {
      let range = options.range;
      if (range && "suffix" in range) {
        // Suffix ranges go out as explicit offsets: some S3-compatible servers get `bytes=-N` wrong.
        const head = await this.head(key);
        if (!head) return null;
        range = resolveRange(range, head.size);
      }
      const headers: Record<string, string> = {};
      if (range) {
        headers["Range"] = `bytes=${range.offset}-${range.length === undefined ? "" : range.offset + range.length - 1}`;
      }
      const response = await send(`GET ${key}`, url(key), { headers });
      if (response.status === 404) return null;
      if (response.status === 416) {
        await response.body?.cancel();
        const total = response.headers.get("Content-Range")?.split("/")[1];
        throw new RangeNotSatisfiableError(total ? Number(total) : ((await this.head(key))?.size ?? 0));
      }
      if (!response.ok || !response.body) await fail(`GET ${key}`, response);
      const etag = response.headers.get("ETag") ?? undefined;
      const contentRange = response.status === 206 ? /bytes (\d+)-(\d+)\/(\d+)/.exec(response.headers.get("Content-Range") ?? "") : null;
      const size = Number(contentRange ? contentRange[3] : response.headers.get("Content-Length"));
      // What came back: a 200 to a ranged request is the whole object, which HTTP allows.
      const sent = contentRange ? { offset: Number(contentRange[1]), length: Number(contentRange[2]) - Number(contentRange[1]) + 1 } : { offset: 0, length: size };
      if (!range) return { body: response.body!, size, ...(etag ? { etag } : {}) };
      // Real S3 sends exactly the range asked; some compatible servers send more (s3rver answers
      // bytes=0-0 with 206 and the whole object), so cut the answer down to the range.
      const asked = resolveRange(range, size);
      const covered = sent.offset <= asked.offset && asked.offset + asked.length <= sent.offset + sent.length;
      if (!covered) {
        await response.body!.cancel();
        throw new Error(`S3 GET ${key} failed: asked for bytes ${asked.offset}+${asked.length}, got ${sent.offset}+${sent.length}`);
      }
      const exact = sent.offset === asked.offset && sent.length === asked.length;
      const body = exact ? response.body! : sliceStream(response.body!, asked.offset - sent.offset, asked.length);
      return { body, size, range: asked, ...(etag ? { etag } : {}) };
    },

    async head(key) {
      const response = await send(`HEAD ${key}`, url(key), { method: "HEAD" });
      if (response.status === 404) return null;
      if (!response.ok) await fail(`HEAD ${key}`, response);
      const etag = response.headers.get("ETag") ?? undefined;
      return { size: Number(response.headers.get("Content-Length")), ...(etag ? { etag } : {}) };
    },

    async put(key, body) {
      await putParts(key, asStream(body));
    },

    async delete(key) {
      const response = await send(`DELETE ${key}`, url(key), { method: "DELETE" });
      if (!response.ok && response.status !== 404) await fail(`DELETE ${key}`, response);
    },

    async list(prefix) {
      const keys: string[] = [];
      const folder = prefix ? `${prefix.replace(/\/$/, "")}/` : "";
      let token: string | undefined;
      do {
        const query = `?list-type=2&prefix=${encodeURIComponent(folder)}${token ? `&continuation-token=${encodeURIComponent(token)}` : ""}`;
        const response = await send(`listing ${folder}`, `${base}${query}`);
        if (!response.ok) await fail(`listing ${folder}`, response);
        const xml = await response.text();
        for (const match of xml.matchAll(/<Key>([^<]+)<\/Key>/g)) keys.push(match[1]!);
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? xml.match(/<NextContinuationToken>([^<]+)<\/NextContinuationToken>/)?.[1] : undefined;
      } while (token);
      return keys.sort();
    },
  };
}
