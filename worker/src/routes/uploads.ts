// Resumable uploads (tus 1.0) under /api/uploads/tus: the viewer is signed in (app.ts), an upload
// is answered only for the viewer who created it, and every refusal is our JSON error. The
// protocol itself is the runtime's ResumableUploads (deps.resumableUploads).
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../env.ts";
import { HttpError, JSON_CONTENT_TYPE } from "../errors.ts";
import { missingUploadLength, noSuchUpload } from "../uploads/resumable.ts";
import { TUS_PATH } from "../uploads/tus-path.ts";

/** The creation request in /openapi.json; the rest is the tus 1.0 protocol (HEAD, PATCH, DELETE on the Location). */
export const TUS_CREATE_DOC = {
  method: "post" as const,
  path: TUS_PATH,
  summary: "Start a resumable upload (tus 1.0: creation, creation-with-upload, termination, expiration)",
  description:
    "Use a tus client (tus-js-client, Uppy) with this endpoint and `Authorization: Bearer <viewer JWT>`. Upload-Length is required and at most MAX_UPLOAD_BYTES; " +
    "Upload-Metadata may carry title, visibility and filetype (video/*, audio/*, application/octet-stream). The Location's last segment is the video id: " +
    "when the last byte is in, the video exists and is packaged as for POST /api/videos. Unfinished uploads expire UPLOAD_EXPIRY_SECONDS after creation.",
  security: [{ bearer: [] }],
  responses: {
    201: { description: "created: Location is the upload URL; Upload-Expires says until when it can be finished" },
    400: { description: "Upload-Length missing or 0, or bad metadata" },
    401: { description: "no viewer" },
    413: { description: "Upload-Length over MAX_UPLOAD_BYTES" },
    415: { description: "filetype is not media" },
    410: { description: "(HEAD, PATCH) the upload expired" },
  },
};

const TUS_ERROR_CODES: Record<number, string> = { 404: "not_found", 409: "offset_conflict", 410: "expired", 413: "too_large", 415: "unsupported_media_type" };

export function uploadRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const uploads = deps.resumableUploads?.(deps);

  // Hono routes a HEAD as a GET (and drops the body of the answer): GET here is HEAD, the offset ask.
  app.on(["POST", "GET", "PATCH", "DELETE"], ["/tus", "/tus/:id"], async (c) => {
    if (c.req.raw.method === "GET") throw new HttpError(405, "method_not_allowed", "tus uploads take POST, HEAD, PATCH and DELETE", { Allow: "POST, HEAD, PATCH, DELETE, OPTIONS" });
    if (!uploads) throw new HttpError(501, "not_supported", "resumable uploads are not available on this runtime: send the file to POST /api/videos");
    // Said in our words before the protocol's 501 for an extension it does not offer.
    if (c.req.raw.method === "POST" && c.req.header("Upload-Length") === undefined) throw missingUploadLength();
    const id = c.req.param("id");
    const viewer = c.get("viewer");
    if (id !== undefined && (await uploads.ownerOf(id)) !== viewer.id) {
      await c.req.raw.body?.cancel().catch(() => {});
      throw noSuchUpload();
    }
    return asJsonError(await uploads.handle(c.req.raw, viewer, id));
  });

  return app;
}

/** @tus/server refuses in plain text: the same refusal as our {error:{code,message}}, its tus headers kept. */
async function asJsonError(response: Response): Promise<Response> {
  if (response.status < 400 || response.headers.get("Content-Type")?.includes("json")) return response;
  const text = (await response.text()).trim();
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.set("Content-Type", JSON_CONTENT_TYPE);
  if (text.startsWith('{"error"')) return new Response(text, { status: response.status, headers }); // a hook's refusal: ours already
  const error = new HttpError(response.status, TUS_ERROR_CODES[response.status] ?? "invalid_upload_request", text || "the upload request was refused");
  return new Response(error.body, { status: response.status, headers });
}
