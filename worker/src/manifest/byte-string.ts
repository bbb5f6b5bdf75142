// Byte strings: one character per byte (0–255), so text code that looks only at ASCII (the
// rewriters) can work on a playlist in any encoding and give back exactly the bytes it did not
// touch — a BOM, Latin-1 titles, invalid UTF-8. Decoding as UTF-8 would drop the BOM and replace
// the rest. Web APIs only (every runtime).

const CHUNK = 8192;
const NON_ASCII = /[^\x00-\x7f]/;

export function bytesToByteString(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return text;
}

/** The bytes of a byte string (characters above 255 cannot occur: only ASCII was ever inserted). */
export function byteStringToBytes(text: string): Uint8Array<ArrayBuffer> {
  // ASCII is the common case, and TextEncoder writes it natively.
  if (!NON_ASCII.test(text)) return new TextEncoder().encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
