// Normalises a request path under /hls/ before any signature check. Each segment is percent-decoded
// once (a playlist may name `seg%20one.ts`, which the rewriter signs as written), then the storage
// key rule applies to what it names: no "..", backslashes, NUL, empty segments, encoded slashes, or
// names longer than storage can hold. Both signed forms are read here (see contracts/signed-path.ts).
import { HLS_ROOT, isPathToken, isSafeKey } from "@edgestream/contracts";
import { streamScope } from "./stream-token.ts";

export type HlsPath = {
  /** The file below the video's folder, decoded: the storage key below the token's prefix. */
  rest: string;
  /** The path a token's scope is checked against, `/hls/<vid>/<rest>` in both forms. */
  path: string;
} & ({ form: "query"; vid: string } | { form: "path"; token: string });

const TOKEN_SEGMENT = /^[A-Za-z0-9_.-]{1,1024}$/;

/** Takes the raw (still percent-encoded) pathname; returns null for anything that is not a plain file path. */
export function parseHlsPath(rawPath: string): HlsPath | null {
  if (!rawPath.startsWith(HLS_ROOT)) return null;
  const raw = rawPath.slice(HLS_ROOT.length).split("/");
  if (raw.length < 2 || raw.length > 8) return null;
  const [first, ...restRaw] = raw as [string, ...string[]];
  const decoded: string[] = [];
  for (const segment of restRaw) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (name.includes("/")) return null; // an encoded slash would name another folder than the player sees
    decoded.push(name);
  }
  const rest = decoded.join("/");
  if (!isSafeKey(rest)) return null;
  if (isPathToken(first)) {
    if (!TOKEN_SEGMENT.test(first)) return null;
    // The token names its video (third field); a malformed one fails verification, not here.
    const vid = first.split(".")[2] ?? "";
    return { form: "path", token: first, rest, path: `${streamScope(vid)}${rest}` };
  }
  if (!isSafeKey(first)) return null;
  return { form: "query", vid: first, rest, path: `${streamScope(first)}${rest}` };
}
