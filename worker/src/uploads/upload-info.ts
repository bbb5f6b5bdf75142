// The record of a resumable upload under way, one object in storage beside its bytes
// (`uploads/<id>/tus/info.json`): who may continue it, what it will be, and until when.
import { z } from "zod";
import type { StorageDriver } from "@edgestream/contracts";
import { isUploadId, tusInfoKey } from "./tus-keys.ts";

const UploadInfoSchema = z.object({
  /** Bytes the client declared (Upload-Length). */
  size: z.number().int().min(0),
  /** Upload-Metadata as the client sent it (title, visibility, filetype, filename…). */
  metadata: z.record(z.string(), z.string().nullable()),
  /** The viewer who created it: the only one who may resume, finish or end it. */
  owner: z.string(),
  /** Unix ms; the upload expires UPLOAD_EXPIRY_SECONDS after this if it has not finished. */
  createdAt: z.number(),
  /** On R2 (tus-r2.ts): the multipart upload the bytes go into, its parts so far, and the bytes held back for the next part. */
  multipart: z.object({ uploadId: z.string(), parts: z.array(z.object({ partNumber: z.number(), etag: z.string() })), pending: z.number().int().min(0) }).optional(),
});
export type UploadInfo = z.infer<typeof UploadInfoSchema>;

export async function writeUploadInfo(storage: StorageDriver, id: string, info: UploadInfo): Promise<void> {
  await storage.put(tusInfoKey(id), JSON.stringify(info));
}

/** The upload's info, or null when there is no such upload (never created, finished, ended or expired). */
export async function readUploadInfo(storage: StorageDriver, id: string): Promise<UploadInfo | null> {
  const object = await storage.get(tusInfoKey(id));
  if (!object) return null;
  const text = await new Response(object.body).text();
  try {
    const parsed = UploadInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON: nothing this worker wrote, so no upload to resume
  }
}


/** Who created the upload, or null when there is none under that id. */
export async function uploadOwner(storage: StorageDriver, id: string): Promise<string | null> {
  if (!isUploadId(id)) return null;
  return (await readUploadInfo(storage, id))?.owner ?? null;
}
