// Resumable uploads, whatever speaks the protocol (@tus/server on Node and Deno): the one
// interface the route calls, the checks a new upload passes (the same as POST /api/videos), and
// the one way a finished upload becomes a video (the same packaging path as POST /api/videos).
import { uploadKey } from "@edgestream/contracts";
import { insertVideo } from "../db/videos.ts";
import type { Video } from "../db/schema.ts";
import type { AppConfig } from "../config.ts";
import type { AppDeps, Viewer } from "../env.ts";
import { HttpError } from "../errors.ts";
import { isUploadType, uploadTooLarge } from "../http/body-limit.ts";
import { videoAdded } from "../playback/resolve.ts";
import { UploadQuery } from "../routes/schemas.ts";
import { removeUploadState } from "./tus-parts.ts";
import type { UploadInfo } from "./upload-info.ts";

export interface ResumableUploads {
  /**
   * Answers one tus request of a signed-in viewer about upload `id` (undefined for a creation): the
   * id the route read from the path and checked the viewer owns. Never another id read from the URL
   * (its query string can end in `/<other id>`), and the upload's owner is checked again here.
   */
  handle(request: Request, viewer: Viewer, id: string | undefined): Promise<Response>;
  /** Who created the upload, or null when there is none under that id (never made, finished, ended, expired). */
  ownerOf(id: string): Promise<string | null>;
}

/** Built by a runtime entry; called by createApp with the app's final deps (its transcode client included). */
export type ResumableUploadsFactory = (deps: AppDeps) => ResumableUploads;

export type UploadMetadata = Record<string, string | null>;

/** An upload id that names nothing this viewer may continue. */
export function noSuchUpload(): HttpError {
  return new HttpError(404, "not_found", "no such upload: it finished, expired, was ended, or is not yours");
}

/** A creation without Upload-Length (a deferred length, which this server does not take). */
export function missingUploadLength(): HttpError {
  return new HttpError(400, "invalid_input", "Upload-Length: required (a deferred length is not supported): send the file's size");
}

/** A new upload's declared length and metadata, checked as POST /api/videos checks a body; throws the same 4xx. */
export function checkNewUpload(config: AppConfig, length: number | undefined, metadata: UploadMetadata): void {
  if (length === undefined) throw missingUploadLength();
  if (length > config.MAX_UPLOAD_BYTES) throw uploadTooLarge(config.MAX_UPLOAD_BYTES);
  if (length === 0) throw new HttpError(400, "invalid_input", "Upload-Length: the upload is empty");
  const type = metadata.filetype ?? "application/octet-stream";
  if (!isUploadType(type)) {
    throw new HttpError(415, "unsupported_media_type", "Upload-Metadata filetype: send the file as video/*, audio/* or application/octet-stream");
  }
  videoFields(metadata);
}

/** Title and visibility from Upload-Metadata (`title`, else `filename`; `visibility`), validated as ?title= and ?visibility= are. */
function videoFields(metadata: UploadMetadata) {
  const parsed = UploadQuery.safeParse({ title: metadata.title ?? metadata.filename ?? undefined, visibility: metadata.visibility ?? undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, "invalid_input", `Upload-Metadata ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return { title: parsed.data.title ?? "Untitled", visibility: parsed.data.visibility ?? "private" };
}

/** The last byte is in and joined into `uploads/<id>/source`: the video row, packaging started as for POST /api/videos. */
export async function finishUpload(deps: AppDeps, id: string, info: UploadInfo): Promise<Video> {
  const stored = await deps.storage.head(uploadKey(id));
  if (stored?.size !== info.size) throw new Error(`upload ${id}: the joined source has ${stored?.size ?? "no"} bytes, not ${info.size}`);
  const { title, visibility } = videoFields(info.metadata);
  const video = await insertVideo(deps.db, { id, ownerId: info.owner, title, visibility, status: "pending", sourceKey: uploadKey(id) });
  // The row exists before the upload's state goes: expiry never removes a source a video points at.
  await removeUploadState(deps.storage, id);
  return videoAdded(deps, video);
}
