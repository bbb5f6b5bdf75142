// Resumable uploads on Cloudflare Workers, where @tus/server cannot run: tus 1.0 (creation,
// HEAD offset, PATCH, termination, expiration) written over an R2 multipart upload straight into
// the video's source key. R2 wants every part but the last of one size ≥ 5 MiB, while tus chunks
// are any size: bytes are cut into R2_PART_SIZE parts, and what is left of a chunk waits as a
// `pending` object until the next chunk fills the part. Offset = parts × part size + pending.
import { uploadKey } from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import { newVideoId } from "../db/ids.ts";
import type { AppDeps } from "../env.ts";
import { HttpError } from "../errors.ts";
import { checkNewUpload, finishUpload, noSuchUpload, type ResumableUploads } from "./resumable.ts";
import { tusFolder } from "./tus-keys.ts";
import { parseUploadMetadata, stringifyUploadMetadata } from "./tus-metadata.ts";
import { removeUploadState } from "./tus-parts.ts";
import { TUS_CHUNK_TYPE, TUS_PATH } from "./tus-path.ts";
import { readUploadInfo, uploadOwner, writeUploadInfo, type UploadInfo } from "./upload-info.ts";

/** R2's minimum part size is 5 MiB (all parts but the last, all of one size). */
export const R2_PART_SIZE = 5 * 1024 * 1024;
const TUS_VERSION = "1.0.0";

interface R2Part {
  partNumber: number;
  etag: string;
}
interface R2Multipart {
  readonly uploadId: string;
  uploadPart(partNumber: number, value: Uint8Array): Promise<R2Part>;
  complete(parts: R2Part[]): Promise<unknown>;
  abort(): Promise<void>;
}
/** The multipart half of the R2Bucket binding (structural, so no Workers types are needed). */
export interface R2MultipartBucket {
  createMultipartUpload(key: string): Promise<R2Multipart>;
  resumeMultipartUpload(key: string, uploadId: string): R2Multipart;
}

type Multipart = NonNullable<UploadInfo["multipart"]>;

export function createR2TusUploads(deps: AppDeps, bucket: R2MultipartBucket, partSize = R2_PART_SIZE): ResumableUploads {
  const { storage, config } = deps;
  const expiryMs = config.UPLOAD_EXPIRY_SECONDS * 1000;
  const pendingKey = (id: string) => `${tusFolder(id)}pending`;
  const offsetOf = (m: Multipart) => m.parts.length * partSize + m.pending;
  const expires = (info: UploadInfo) => new Date(info.createdAt + expiryMs).toUTCString();
  const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers: { "Tus-Resumable": TUS_VERSION, ...headers } });

  async function upload(id: string, viewer: string): Promise<UploadInfo & { multipart: Multipart }> {
    const info = await readUploadInfo(storage, id);
    if (!info?.multipart || info.owner !== viewer) throw noSuchUpload();
    if (nowMs(deps) > info.createdAt + expiryMs) throw new HttpError(410, "expired", "this upload expired: start a new one");
    return info as UploadInfo & { multipart: Multipart };
  }

  /** Takes one chunk's bytes into parts; answers the new offset. A cut-off chunk keeps the parts it completed. */
  async function append(id: string, info: UploadInfo & { multipart: Multipart }, body: ReadableStream<Uint8Array> | null): Promise<number> {
    const m = info.multipart;
    const multipart = bucket.resumeMultipartUpload(uploadKey(id), m.uploadId);
    let buffer = new Uint8Array(partSize);
    let filled = 0;
    if (m.pending > 0) {
      const pending = await storage.get(pendingKey(id));
      if (!pending) throw new Error(`upload ${id}: its pending bytes are missing`);
      buffer.set(new Uint8Array(await new Response(pending.body).arrayBuffer()).subarray(0, m.pending));
      filled = m.pending;
    }
    const start = offsetOf(m);
    const reader = body?.getReader();
    let received = 0;
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = reader ? await reader.read() : { done: true, value: undefined };
      } catch {
        return offsetOf(m); // the sender went away: the parts completed so far stay, the rest comes again
      }
      if (next.done) break;
      let chunk = next.value;
      if (start + received + chunk.byteLength > info.size) {
        await reader?.cancel().catch(() => {});
        throw new HttpError(413, "too_large", `this chunk goes past the declared Upload-Length (${info.size} bytes)`);
      }
      received += chunk.byteLength;
      while (chunk.byteLength > 0) {
        const take = Math.min(partSize - filled, chunk.byteLength);
        buffer.set(chunk.subarray(0, take), filled);
        filled += take;
        chunk = chunk.subarray(take);
        if (filled === partSize) {
          m.parts.push(await multipart.uploadPart(m.parts.length + 1, buffer));
          m.pending = 0; // the pending object's bytes are in this part now
          await writeUploadInfo(storage, id, info);
          buffer = new Uint8Array(partSize);
          filled = 0;
        }
      }
    }
    if (start + received === info.size) {
      if (filled > 0 || m.parts.length === 0) m.parts.push(await multipart.uploadPart(m.parts.length + 1, buffer.subarray(0, filled)));
      await multipart.complete(m.parts);
      await finishUpload(deps, id, info);
      return info.size;
    }
    if (filled !== m.pending) {
      await storage.put(pendingKey(id), buffer.subarray(0, filled));
      m.pending = filled;
      await writeUploadInfo(storage, id, info);
    }
    return offsetOf(m);
  }

  async function create(request: Request, owner: string): Promise<Response> {
    const length = request.headers.get("Upload-Length");
    if (!/^\d{1,16}$/.test(length ?? "")) throw new HttpError(400, "invalid_input", "Upload-Length: must be the file's size in bytes");
    const metadata = parseUploadMetadata(request.headers.get("Upload-Metadata") ?? undefined);
    checkNewUpload(config, Number(length), metadata);
    const id = newVideoId();
    const multipart = await bucket.createMultipartUpload(uploadKey(id));
    const info = { size: Number(length), metadata, owner, createdAt: nowMs(deps), multipart: { uploadId: multipart.uploadId, parts: [], pending: 0 } };
    await writeUploadInfo(storage, id, info);
    const headers: Record<string, string> = { Location: new URL(`${TUS_PATH}/${id}`, request.url).href, "Upload-Expires": expires(info) };
    if (request.headers.get("Content-Type") === TUS_CHUNK_TYPE) headers["Upload-Offset"] = String(await append(id, info, request.body));
    return answer(201, headers);
  }

  return {
    ownerOf: (id) => uploadOwner(storage, id),
    async handle(request, viewer, id) {
      if (request.headers.get("Tus-Resumable") !== TUS_VERSION) {
        throw new HttpError(412, "precondition_failed", `Tus-Resumable: this server speaks tus ${TUS_VERSION}`, { "Tus-Version": TUS_VERSION });
      }
      if (request.method === "POST") return create(request, viewer.id);
      if (id === undefined) throw noSuchUpload();
      const info = await upload(id, viewer.id);
      if (request.method === "HEAD") {
        return answer(200, {
          "Upload-Offset": String(offsetOf(info.multipart)),
          "Upload-Length": String(info.size),
          "Upload-Metadata": stringifyUploadMetadata(info.metadata),
          "Upload-Expires": expires(info),
          "Cache-Control": "no-store",
        });
      }
      if (request.method === "DELETE") {
        await bucket.resumeMultipartUpload(uploadKey(id), info.multipart.uploadId).abort().catch(() => {});
        await removeUploadState(storage, id);
        return answer(204);
      }
      // PATCH
      if (request.headers.get("Content-Type") !== TUS_CHUNK_TYPE) throw new HttpError(415, "unsupported_media_type", `Content-Type: a tus chunk is ${TUS_CHUNK_TYPE}`);
      if (request.headers.get("Upload-Offset") !== String(offsetOf(info.multipart))) {
        throw new HttpError(409, "offset_conflict", `Upload-Offset: the upload is at ${offsetOf(info.multipart)}; ask with HEAD and send from there`);
      }
      const declared = request.headers.get("Content-Length");
      if (declared !== null && offsetOf(info.multipart) + Number(declared) > info.size) {
        throw new HttpError(413, "too_large", `this chunk goes past the declared Upload-Length (${info.size} bytes)`);
      }
      const offset = await append(id, info, request.body);
      return answer(204, offset < info.size ? { "Upload-Offset": String(offset), "Upload-Expires": expires(info) } : { "Upload-Offset": String(offset) });
    },
  };
}
