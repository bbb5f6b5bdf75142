// Video (and playback session) ids: 21 random URL-safe characters (~125 bits), like nanoid, from
// Web Crypto on every runtime. The first character is a letter or digit: ids become storage keys
// and path segments, where a leading "-" or "_" is refused (and "-" could read as an option).
import { encodeBase64Url } from "../signing/base64url.ts";

export function newVideoId(): string {
  for (;;) {
    const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))).slice(0, 21);
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** Sidecar subtitle track ids: the same shape (they too become storage keys and path segments). */
export const newTrackId = newVideoId;
