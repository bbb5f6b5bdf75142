// The tus Upload-Metadata header: comma-separated `key base64value` pairs (the value may be absent).
// Written out here for Workers, where @tus/utils (which has the same parser) cannot be bundled: it
// pulls in Node streams.
import { HttpError } from "../errors.ts";
import type { UploadMetadata } from "./resumable.ts";

const KEY = /^[^\s,]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseUploadMetadata(header: string | undefined): UploadMetadata {
  const metadata: UploadMetadata = {};
  if (!header?.trim()) return metadata;
  for (const pair of header.split(",")) {
    // Not trimmed at the end: `key ` (a space, nothing after) is an empty value, not an absent one.
    const [key, value, extra] = pair.trimStart().split(" ");
    if (!key || !KEY.test(key) || extra !== undefined || (value !== undefined && !BASE64.test(value)) || key in metadata) {
      throw new HttpError(400, "invalid_input", "Upload-Metadata: expected comma-separated `key base64value` pairs, each key once");
    }
    metadata[key] = value === undefined ? null : new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
  }
  return metadata;
}

export function stringifyUploadMetadata(metadata: UploadMetadata): string {
  return Object.entries(metadata)
    .map(([key, value]) => (value === null ? key : `${key} ${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}`))
    .join(",");
}
