// Where a stream token travels on an /hls URL. Two forms, both verified the same way by the worker:
//   query form  /hls/<vid>/<file>?sig=<token>   every URI in a playlist is rewritten to carry it
//   path form   /hls/<token>/<file>            relative URIs in a playlist inherit it unrewritten
// No zod here, so the SDK can import it (subpath `@edgestream/contracts/signed-path`).

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
