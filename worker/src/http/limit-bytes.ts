// A pass-through stream that errors with RangeError once more than `max` bytes went through, so an
// upload is cut off while streaming instead of after it filled the disk.

export function limitBytes(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) controller.error(new RangeError(`more than ${max} bytes`));
      else controller.enqueue(chunk);
    },
  });
}
