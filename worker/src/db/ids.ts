// Video ids: 21 random URL-safe characters (126 bits), like nanoid, from Web Crypto on every runtime.
import { encodeBase64Url } from "../signing/base64url.ts";

export function newVideoId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))).slice(0, 21);
}
