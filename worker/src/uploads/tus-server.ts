// Resumable uploads on Node and Deno: @tus/server (tus 1.0: creation, creation-with-upload, HEAD
// offset, PATCH, termination, expiration) answering web Requests through handleWeb, over our
// storage (tus-storage-store.ts). Our checks and our packaging path run in its hooks.
import { AsyncLocalStorage } from "node:async_hooks";
import { Server } from "@tus/server";
import { StorageUnavailableError } from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import type { AppDeps, Viewer } from "../env.ts";
import { HttpError } from "../errors.ts";
import { expireAbandonedUploads } from "./expire.ts";
import { checkNewUpload, finishUpload, type ResumableUploads } from "./resumable.ts";
import { newVideoId } from "../db/ids.ts";
import { readUploadInfo, uploadOwner } from "./upload-info.ts";
import { TUS_PATH } from "./tus-path.ts";
import { OWNER_METADATA_KEY, StorageDataStore } from "./tus-storage-store.ts";

/** @tus/server's hooks refuse by throwing {status_code, body}; ours carry our JSON error. */
function tusRefusal(error: unknown): never {
  if (error instanceof HttpError) throw { status_code: error.status, body: error.body };
  throw error;
}

/**
 * What @tus/server answers for an exception (not one of its protocol refusals): it would append
 * the error's own message, which can name files and hosts. Ours instead, as app.onError answers.
 */
function failureAnswer(_request: unknown, error: Error | { status_code: number; body: string }) {
  // The protocol's own refusals (409, 413…) carry a status_code: those stand.
  if (!(error instanceof Error) || "status_code" in error) return undefined;
  console.error("resumable upload:", error.message);
  const answer =
    error instanceof StorageUnavailableError
      ? new HttpError(503, "storage_unavailable", "media storage is not answering; try again shortly")
      : new HttpError(500, "internal", "something went wrong on our side; try again");
  return { status_code: answer.status, body: answer.body };
}

export function createTusUploads(deps: AppDeps): ResumableUploads {
  // The request in flight as the route saw it (its viewer, the upload id it checked), for the hooks
  // and the datastore, which @tus/server hands only the Request or the id it read itself.
  const current = new AsyncLocalStorage<{ viewer: Viewer; id: string | undefined }>();
  const datastore = new StorageDataStore(
    deps.storage,
    deps.config.UPLOAD_EXPIRY_SECONDS * 1000,
    () => nowMs(deps),
    () => expireAbandonedUploads(deps, Math.floor(nowMs(deps) / 1000)),
    () => current.getStore()?.viewer.id,
  );
  const server = new Server({
    path: TUS_PATH,
    datastore,
    // The app's CORS middleware answers for every route; @tus/server adds no origin of its own.
    allowedOrigins: () => false,
    respectForwardedHeaders: true,
    // Upload ids are video ids: the finished upload becomes the video of the same id.
    namingFunction: () => newVideoId(),
    // Its own reading takes the last segment of the whole URL, query string included: the route's id instead.
    getFileIdFromRequest: () => current.getStore()?.id,
    onUploadCreate: async (_request, upload) => {
      const viewer = current.getStore()?.viewer;
      if (!viewer) throw new Error("tus request without a viewer");
      try {
        checkNewUpload(deps.config, upload.size, upload.metadata ?? {});
      } catch (error) {
        tusRefusal(error);
      }
      return { metadata: { ...upload.metadata, [OWNER_METADATA_KEY]: viewer.id } };
    },
    onResponseError: failureAnswer,
    onUploadFinish: async (_request, upload) => {
      const info = await readUploadInfo(deps.storage, upload.id);
      if (!info) throw new Error(`upload ${upload.id} finished without its info`);
      await finishUpload(deps, upload.id, info).catch(tusRefusal);
      return {};
    },
  });

  return {
    handle(request, viewer, id) {
      return current.run({ viewer, id }, () => server.handleWeb(request as never));
    },
    ownerOf: (id) => uploadOwner(deps.storage, id),
  };
}
