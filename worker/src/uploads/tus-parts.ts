// A resumable upload kept through the StorageDriver alone (any backend: folder, S3, R2): an info
// object, then one part object per PATCH, joined into the video's source once the last byte is in.
// The driver has no append, so parts are separate objects; joining them costs one more copy.
import { uploadKey, type StorageDriver } from "@edgestream/contracts";
import { partOffset, tusFolder, tusPartKey } from "./tus-keys.ts";

async function partKeys(storage: StorageDriver, id: string): Promise<{ key: string; offset: number }[]> {
  const keys = await storage.list(tusFolder(id));
  return keys.flatMap((key) => {
    const offset = partOffset(key);
    return offset === null ? [] : [{ key, offset }];
  });
}

/** Bytes received so far: where the last part ends. */
export async function receivedBytes(storage: StorageDriver, id: string): Promise<number> {
  const parts = await partKeys(storage, id);
  const last = parts.at(-1);
  if (!last) return 0;
  return last.offset + ((await storage.head(last.key))?.size ?? 0);
}

/**
 * Stores the bytes of one PATCH as the part at `offset` and answers how many arrived. A PATCH cut
 * off mid-body stores nothing (the put fails and leaves no object): the client sends that chunk
 * again from the last part's end. Keeping the half that arrived is not safe here, because
 * @tus/server releases the upload's lock when the request fails, before a put of that half would
 * finish, so it could land after (and over) the client's retry of the same offset.
 */
export async function appendPart(storage: StorageDriver, id: string, offset: number, body: ReadableStream<Uint8Array>): Promise<number> {
  let received = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const key = tusPartKey(id, offset);
  await storage.put(key, counted);
  if (received === 0) await storage.delete(key); // an empty PATCH adds no part
  return received;
}

/** Joins the parts, in offset order, into the video's source (one chunk in memory at a time); then removes them. */
export async function joinParts(storage: StorageDriver, id: string): Promise<void> {
  const parts = await partKeys(storage, id);
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (!reader) {
          const part = parts[index++];
          if (!part) return controller.close();
          const object = await storage.get(part.key);
          if (!object) throw new Error(`part ${part.offset} of upload ${id} vanished`);
          reader = object.body.getReader();
        }
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        reader = undefined;
      }
    },
    cancel: (reason) => reader?.cancel(reason),
  });
  await storage.put(uploadKey(id), source);
  for (const part of parts) await storage.delete(part.key);
}

/** Everything the upload left in its tus folder (parts and info); the source, if joined, stays. */
export async function removeUploadState(storage: StorageDriver, id: string): Promise<void> {
  for (const key of await storage.list(tusFolder(id))) await storage.delete(key);
}
