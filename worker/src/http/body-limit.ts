// Every request body is capped while it is read, before auth, routing and validators see it: a
// declared length over the cap is refused unread; a chunked body is read until it passes the cap,
// then cancelled (nothing more is pulled from the connection). Media uploads are streamed by their
// route under MAX_UPLOAD_BYTES instead, and so are tus chunks by the tus handler.
import { createMiddleware } from "hono/factory";
import { HttpError } from "../errors.ts";
import type { AppEnv } from "../env.ts";
import { TUS_CHUNK_TYPE, TUS_PATH } from "../uploads/tus-path.ts";
import { MAX_SUBTITLE_BYTES } from "../subtitles/sidecar-schemas.ts";

export const BODY_LIMITS = {
  /** Sign-in, progress, heartbeats, video changes and imports: a few fields each. */
  json: 8 * 1024,
  /** A batch of up to 500 analytics events. */
  events: 256 * 1024,
  /** A transcode node's report or job result (renditions, sprite sheets, warnings). */
  nodes: 64 * 1024,
  /** A sidecar subtitle file (POST /api/videos/:id/subtitles), read whole and then parsed. */
  subtitles: MAX_SUBTITLE_BYTES,
} as const;

/** The media types POST /api/videos streams to storage as an upload (anything else there is JSON or refused). */
export function isUploadType(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type.startsWith("video/") || type.startsWith("audio/") || type === "application/octet-stream";
}

/** The answer to an upload (plain or resumable) over MAX_UPLOAD_BYTES. */
export function uploadTooLarge(max: number): HttpError {
  return new HttpError(413, "too_large", `the upload is larger than the ${max}-byte limit (MAX_UPLOAD_BYTES)`);
}

const SUBTITLES_PATH = /^\/api\/videos\/[^/]+\/subtitles$/;

/** The cap for a request's body; undefined for a media upload (its route streams it under MAX_UPLOAD_BYTES). */
export function bodyLimitFor(method: string, path: string, contentType: string): number | undefined {
  if (method === "POST" && path === "/api/videos" && isUploadType(contentType)) return undefined;
  // tus chunks: the protocol bounds each by the upload's declared length, under MAX_UPLOAD_BYTES.
  if ((method === "PATCH" || method === "POST") && path.startsWith(TUS_PATH) && contentType.split(";")[0]!.trim().toLowerCase() === TUS_CHUNK_TYPE) {
    return undefined;
  }
  if (path === "/api/events") return BODY_LIMITS.events;
  if (method === "POST" && SUBTITLES_PATH.test(path)) return BODY_LIMITS.subtitles;
  if (path.startsWith("/api/nodes/")) return BODY_LIMITS.nodes;
  return BODY_LIMITS.json;
}

export class BodyTooLargeError extends HttpError {
  constructor(max: number) {
    super(413, "too_large", `the request body is larger than the ${max}-byte limit of this route`);
  }
}

export const limitRequestBody = createMiddleware<AppEnv>(async (c, next) => {
  // A GET or HEAD has no body to cap (the Node adapter gives it none), and reading `.body` would make
  // the adapter build a full Request for every playlist and segment: a third of a playlist's cost.
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const body = c.req.raw.body;
  if (!body) return next();
  const max = bodyLimitFor(c.req.method, c.req.path, c.req.header("Content-Type") ?? "");
  if (max === undefined) return next();
  const declared = c.req.header("Content-Length");
  if (declared !== undefined && Number(declared) > max) {
    await body.cancel().catch(() => {});
    throw new BodyTooLargeError(max);
  }
  c.req.raw = new Request(c.req.raw, { body: await readAtMost(body, max) });
  return next();
});

/** The whole body when it fits in `max` bytes; else the stream is cancelled and BodyTooLargeError thrown. */
async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
