// The tus Upload-Metadata header: comma-separated `key base64value` pairs (the value may be absent).
// Written out here for Workers, where @tus/utils (which has the same parser) cannot be bundled: it
// pulls in Node streams.
import { HttpError } from "../errors.ts";
import type { UploadMetadata } from "./resumable.ts";

const KEY = /^[^\s,]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseUploadMetadata(header: string | undefined): UploadMetadata {
  // No prototype: keys such as `constructor` or `__proto__` are plain keys like any other.
  const metadata: UploadMetadata = Object.create(null);
  if (!header?.trim()) return metadata;
  for (const pair of header.split(",")) {
    // Not trimmed at the end: `key ` (a space, nothing after) is an empty value, not an absent one.
    const [key, value, extra] = pair.trimStart().split(" ");
    if (!key || !KEY.test(key) || extra !== undefined || (value !== undefined && !BASE64.test(value)) || Object.hasOwn(metadata, key)) {
      throw new HttpError(400, "invalid_input", "Upload-Metadata: expected comma-separated `key base64value` pairs, each key once");
    }
    metadata[key] = value === undefined ? null : decodeBase64(key, value);
  }
  return metadata;
}

/** A value as UTF-8; the alphabet alone lets through lengths atob refuses (`a`: one char left over). */
function decodeBase64(key: string, value: string): string {
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    throw new HttpError(400, "invalid_input", `Upload-Metadata ${key}: the value is not base64`);
  }
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function stringifyUploadMetadata(metadata: UploadMetadata): string {
  return Object.entries(metadata)
    .map(([key, value]) => (value === null ? key : `${key} ${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}`))
    .join(",");
}
