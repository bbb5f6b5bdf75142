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

/**
 * Bytes [skip, skip + take) of a stream, reading no further than needed and then cancelling it:
 * how the S3 driver trims a backend's answer that holds more than the range asked.
 */
export function sliceStream(stream: ReadableStream<Uint8Array>, skip: number, take: number): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let toSkip = skip;
  let left = take;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (left === 0) {
          controller.close();
          await reader.cancel();
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.error(new Error(`the body ended ${left} bytes short of the range`));
          return;
        }
        const dropped = Math.min(toSkip, value.byteLength);
        toSkip -= dropped;
        const piece = value.subarray(dropped, dropped + Math.min(left, value.byteLength - dropped));
        if (piece.byteLength === 0) continue;
        left -= piece.byteLength;
        controller.enqueue(piece);
        return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
