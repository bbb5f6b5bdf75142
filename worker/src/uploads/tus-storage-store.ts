// A @tus/server DataStore over our StorageDriver (tus-parts.ts), so resumable uploads land in the
// same storage as every other upload, whichever backend that is: one storage abstraction, not a
// second one (@tus/file-store, @tus/s3-store) beside it. Node and Deno only (@tus/utils needs node:stream).
import { Readable } from "node:stream";
import { DataStore, ERRORS, Upload } from "@tus/utils";
import type { StorageDriver } from "@edgestream/contracts";
import { isUploadId } from "./tus-keys.ts";
import { appendPart, joinParts, receivedBytes, removeUploadState } from "./tus-parts.ts";
import { readUploadInfo, writeUploadInfo, type UploadInfo } from "./upload-info.ts";

/** The metadata key the route's creation hook stamps with the creating viewer; kept out of what clients see. */
export const OWNER_METADATA_KEY = "edgestream-owner";

export class StorageDataStore extends DataStore {
  constructor(
    private readonly storage: StorageDriver,
    /** How long an unfinished upload lives after its creation (ms). */
    private readonly expiryMs: number,
    private readonly nowMs: () => number,
    private readonly expire: () => Promise<number>,
    /** The viewer of the request in flight: only the upload's creator reaches it (the route checks too). */
    private readonly viewerId: () => string | undefined,
  ) {
    super();
    // No creation-defer-length: the size limit is checked at creation, as POST /api/videos checks Content-Length.
    this.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
  }

  override async create(upload: Upload): Promise<Upload> {
    const { [OWNER_METADATA_KEY]: owner, ...metadata } = upload.metadata ?? {};
    if (!owner || upload.size === undefined) throw ERRORS.UNKNOWN_ERROR;
    const createdAt = this.nowMs();
    // The creation date is ours (an injectable clock): Upload-Expires and expiry both count from it.
    upload.creation_date = new Date(createdAt).toISOString();
    upload.metadata = metadata;
    await writeUploadInfo(this.storage, upload.id, { size: upload.size, metadata, owner, createdAt });
    return upload;
  }

  /** The upload's info when it exists and the viewer in flight created it; else the protocol's 404. */
  private async ownInfo(id: string): Promise<UploadInfo> {
    const info = isUploadId(id) ? await readUploadInfo(this.storage, id) : null;
    if (!info || info.owner !== this.viewerId()) throw ERRORS.FILE_NOT_FOUND;
    return info;
  }

  override async getUpload(id: string): Promise<Upload> {
    const info = await this.ownInfo(id);
    return new Upload({
      id,
      size: info.size,
      offset: await receivedBytes(this.storage, id),
      metadata: info.metadata,
      creation_date: new Date(info.createdAt).toISOString(),
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const info = await this.ownInfo(id);
    const end = offset + (await appendPart(this.storage, id, offset, Readable.toWeb(stream) as ReadableStream<Uint8Array>));
    if (end === info.size) await joinParts(this.storage, id);
    return end;
  }

  override async remove(id: string): Promise<void> {
    await this.ownInfo(id);
    await removeUploadState(this.storage, id);
  }

  override getExpiration(): number {
    return this.expiryMs;
  }

  override deleteExpired(): Promise<number> {
    return this.expire();
  }
}
