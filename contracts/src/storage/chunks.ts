// Cuts a stream into parts of a fixed size (the last one shorter), holding at most one part in
// memory: how S3 and R2 multipart uploads stream a body of unknown length.

export async function* chunkStream(stream: ReadableStream<Uint8Array>, partSize: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let buffer = new Uint8Array(partSize);
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.byteLength) {
        const take = Math.min(partSize - filled, value.byteLength - offset);
        buffer.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partSize) {
          yield buffer;
          buffer = new Uint8Array(partSize);
          filled = 0;
        }
      }
    }
    if (filled > 0) yield buffer.subarray(0, filled);
  } finally {
    reader.releaseLock();
  }
}

/** A body as bytes when it is small (string or bytes), or as a stream. */
export function asStream(body: ReadableStream<Uint8Array> | Uint8Array | string): ReadableStream<Uint8Array> {
  if (typeof body === "string") return new Blob([body]).stream();
  if (body instanceof Uint8Array) return new Blob([body as Uint8Array<ArrayBuffer>]).stream();
  return body;
}
