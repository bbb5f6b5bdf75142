// Signs an HLS playlist by adding one query parameter to every same-origin URI — URI lines and
// the URI="…" attribute of the tags that carry one — and leaves every other byte as it was
// (BOM, CRLF, comments, unknown tags, attribute order, other origins, existing queries and fragments).
// The route hands it a byte string (manifest/byte-string.ts), so bytes in any encoding come back as stored.
// Hand-written because playlist parsers (m3u8-parser, hls.js) build a model and cannot re-emit the
// original bytes; this is a single pass over lines that never allocates a model.

/** Tags whose quoted URI attribute points at something the player fetches. Names match exactly. */
export const URI_ATTRIBUTE_TAGS: ReadonlySet<string> = new Set([
  "EXT-X-MEDIA",
  "EXT-X-I-FRAME-STREAM-INF",
  "EXT-X-KEY",
  "EXT-X-SESSION-KEY",
  "EXT-X-MAP",
  "EXT-X-PART",
  "EXT-X-PRELOAD-HINT",
  "EXT-X-RENDITION-REPORT",
  "EXT-X-SESSION-DATA",
]);

export interface RewriteOptions {
  /** Query parameter name, e.g. "sig". */
  param: string;
  /** Its value; must be URL-safe (our tokens are). */
  value: string;
  /** Origins (e.g. "https://video.example") whose absolute URIs count as ours; relative URIs always do. */
  selfOrigins?: readonly string[];
  /** Replaces the default signing (adding param=value) for URIs that are ours, e.g. nginx secure_link URLs. */
  mapUri?: (uri: string) => string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function rewritePlaylist(text: string, options: RewriteOptions): string {
  // Copies unchanged spans whole and only cuts where a URI ends: a 1,800-segment playlist becomes
  // ~3,600 small pieces instead of being rebuilt line by line (see bench/manifest-signing).
  const out: string[] = [];
  const suffix = `?${options.param}=${options.value}`;
  const length = text.length;
  let copied = 0;
  let lineStart = bomLength(text);
  let nextLf = -1;
  let nextCr = -1;
  while (lineStart <= length) {
    // Line ends at \n, \r\n or a lone \r; the next of each is cached so the scan stays linear.
    if (nextLf < lineStart) nextLf = indexOrEnd(text, "\n", lineStart);
    if (nextCr < lineStart) nextCr = indexOrEnd(text, "\r", lineStart);
    const lineEnd = Math.min(nextLf, nextCr);
    let s = lineStart;
    let e = lineEnd;
    while (s < e && isBlank(text.charCodeAt(s))) s++;
    while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
    if (s < e) {
      if (text.charCodeAt(s) === 35 /* # */) {
        // Every tag that carries a URI attribute is an EXT-X- tag: #EXTINF and comments skip the walk.
        const uri = text.startsWith("#EXT-X-", s) ? uriAttributeRange(text, s, e) : null;
        if (uri) {
          out.push(text.slice(copied, uri[0]), signUri(text.slice(uri[0], uri[1]), options));
          copied = uri[1];
        }
      } else if (!options.mapUri && isPlainRelative(text, s, e)) {
        out.push(text.slice(copied, e), suffix);
        copied = e;
      } else {
        out.push(text.slice(copied, s), signUri(text.slice(s, e), options));
        copied = e;
      }
    }
    lineStart = lineEnd + (text.startsWith("\r\n", lineEnd) ? 2 : 1);
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join("");
}

/** A BOM, as decoded text (U+FEFF) or as a byte string of UTF-8 (EF BB BF): copied, never read as a URI. */
function bomLength(text: string): number {
  if (text.charCodeAt(0) === 0xfeff) return 1;
  return text.startsWith("\xef\xbb\xbf") ? 3 : 0;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** A relative URI with no scheme, query or fragment: the common segment line, signed by appending. */
function isPlainRelative(text: string, start: number, end: number): boolean {
  if (text.startsWith("//", start)) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */ || c === 63 /* ? */ || c === 35 /* # */) return false;
  }
  return true;
}

/**
 * For a tag line [start, end) of a tag in URI_ATTRIBUTE_TAGS, the range of its quoted URI value;
 * otherwise null. Walks the attribute list: NAME=VALUE pairs, VALUE a "quoted string" (no escapes
 * in HLS) or bare; names match exactly, so SERVER-URI or X-ASSET-URI are not URI.
 */
function uriAttributeRange(text: string, start: number, end: number): [number, number] | null {
  const colon = text.indexOf(":", start);
  if (colon < 0 || colon >= end || !URI_ATTRIBUTE_TAGS.has(text.slice(start + 1, colon))) return null;
  let i = colon + 1;
  while (i < end) {
    const eq = text.indexOf("=", i);
    if (eq < 0 || eq >= end) return null;
    const name = text.slice(i, eq).trim();
    let valueEnd: number;
    if (text.charCodeAt(eq + 1) === 34 /* " */) {
      const close = text.indexOf('"', eq + 2);
      if (close < 0 || close >= end) return null; // unterminated: leave the line alone rather than guess
      if (name === "URI") return [eq + 2, close];
      valueEnd = close + 1;
    } else {
      const comma = text.indexOf(",", eq + 1);
      valueEnd = comma < 0 || comma > end ? end : comma;
    }
    const next = text.indexOf(",", valueEnd);
    if (next < 0 || next >= end) return null;
    i = next + 1;
  }
  return null;
}

/** Adds (or replaces) the parameter on a same-origin URI; other origins and schemes come back unchanged. */
export function signUri(uri: string, options: RewriteOptions): string {
  if (uri.startsWith("//") || SCHEME.test(uri)) {
    const ours = options.selfOrigins?.some((origin) => uri.startsWith(origin + "/")) ?? false;
    if (!ours) return uri; // skd://, data:, another CDN: not ours to sign
  }
  return options.mapUri ? options.mapUri(uri) : withParam(uri, options.param, options.value);
}

/** Adds param=value to a URI, replacing an earlier value, keeping the rest of the query and the fragment. */
export function withParam(uri: string, param: string, value: string): string {
  const hash = uri.indexOf("#");
  const fragment = hash < 0 ? "" : uri.slice(hash);
  const base = hash < 0 ? uri : uri.slice(0, hash);
  const question = base.indexOf("?");
  const pair = `${param}=${value}`;
  if (question < 0) return `${base}?${pair}${fragment}`;
  const path = base.slice(0, question);
  const query = base.slice(question + 1);
  if (query === "") return `${path}?${pair}${fragment}`;
  const kept = query.split("&").filter((p) => p !== param && !p.startsWith(param + "="));
  kept.push(pair);
  return `${path}?${kept.join("&")}${fragment}`;
}
