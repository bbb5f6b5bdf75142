// Normalises a request path under /hls/ before any signature check, refusing every way of
// climbing out of the signed prefix: "..", encoded or not, backslashes, NUL, empty segments, and
// names longer than storage can hold (the same rule as a storage key).
import { isSafeKey } from "@edgestream/contracts";
import { HLS_ROOT } from "./stream-token.ts";

export type HlsPath = { vid: string; rest: string; path: string };

/** Takes the raw (still percent-encoded) pathname; returns null for anything that is not a plain file path. */
export function parseHlsPath(rawPath: string): HlsPath | null {
  if (!rawPath.startsWith(HLS_ROOT)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded !== rawPath) return null; // our own URIs never need escaping: anything encoded is hostile or broken
  const key = decoded.slice(HLS_ROOT.length);
  const segments = key.split("/");
  if (segments.length < 2 || segments.length > 8 || !isSafeKey(key)) return null;
  const [vid, ...rest] = segments as [string, ...string[]];
  return { vid, rest: rest.join("/"), path: decoded };
}
