// Where a stream token travels on an /hls URL. Two forms, both verified the same way by the worker:
//   query form  /hls/<vid>/<file>?sig=<token>   every URI in a playlist is rewritten to carry it
//   path form   /hls/<token>/<file>            relative URIs in a playlist inherit it unrewritten
// No zod here, so the SDK can import it (subpath `@edgestream/contracts/signed-path`).
import { STREAM_TOKEN_PARAM } from "./stream-token-param.ts";

/** The root of every signed path. */
export const HLS_ROOT = "/hls/";

/** A stream token always has dots between its fields; a video id never has one. */
export function isPathToken(segment: string): boolean {
  return segment.includes(".");
}

/** The path of a file signed in the path form: `/hls/<token>/<file>`. */
export function tokenPath(token: string, file: string): string {
  return `${HLS_ROOT}${token}/${file}`;
}

/** The token of a path-form pathname (`/hls/<token>/…`); undefined for the query form or any other path. */
export function pathTokenOf(pathname: string): string | undefined {
  if (!pathname.startsWith(HLS_ROOT)) return undefined;
  const end = pathname.indexOf("/", HLS_ROOT.length);
  const first = pathname.slice(HLS_ROOT.length, end < 0 ? undefined : end);
  return end > 0 && isPathToken(first) ? first : undefined;
}

/** The stream token a signed URL carries, in either form; undefined when it carries none. */
export function tokenOf(url: URL): string | undefined {
  return pathTokenOf(url.pathname) ?? url.searchParams.get(STREAM_TOKEN_PARAM) ?? undefined;
}

/** The URL with `token` in place of the one it carries, in the same form; a URL without one comes back as it was. */
export function withToken(url: URL, token: string): URL {
  const out = new URL(url);
  const inPath = pathTokenOf(out.pathname);
  if (inPath !== undefined) out.pathname = tokenPath(token, out.pathname.slice(HLS_ROOT.length + inPath.length + 1));
  else if (out.searchParams.has(STREAM_TOKEN_PARAM)) out.searchParams.set(STREAM_TOKEN_PARAM, token);
  return out;
}
