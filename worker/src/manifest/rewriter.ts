// Signs an HLS playlist by adding one query parameter to every same-origin URI — URI lines and
// the URI="…" attribute of the tags that carry one — and leaves every other byte as it was
// (BOM, CRLF, comments, unknown tags, attribute order, other origins, existing queries and fragments).
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
  const out: string[] = [];
  const lineBreak = /\r\n|\n|\r/g;
  let start = 0;
  for (;;) {
    const match = lineBreak.exec(text);
    const end = match ? match.index : text.length;
    out.push(rewriteLine(text.slice(start, end), start === 0, options));
    if (!match) break;
    out.push(match[0]);
    start = end + match[0].length;
  }
  return out.join("");
}

function rewriteLine(line: string, first: boolean, options: RewriteOptions): string {
  const bom = first && line.charCodeAt(0) === 0xfeff ? "\uFEFF" : "";
  const body = bom ? line.slice(1) : line;
  const lead = body.length - body.trimStart().length;
  const core = body.trim();
  if (core === "") return line;
  if (core.startsWith("#")) {
    return core.startsWith("#EXT") ? bom + body.slice(0, lead) + rewriteTag(core, options) + body.slice(lead + core.length) : line;
  }
  const signed = signUri(core, options);
  return bom + body.slice(0, lead) + signed + body.slice(lead + core.length);
}

function rewriteTag(tag: string, options: RewriteOptions): string {
  const colon = tag.indexOf(":");
  if (colon < 0 || !URI_ATTRIBUTE_TAGS.has(tag.slice(1, colon))) return tag;
  // Walk the attribute list: NAME=VALUE pairs, VALUE a "quoted string" (no escapes in HLS) or bare.
  let i = colon + 1;
  while (i < tag.length) {
    const eq = tag.indexOf("=", i);
    if (eq < 0) return tag;
    const name = tag.slice(i, eq).trim();
    let valueEnd: number;
    if (tag[eq + 1] === '"') {
      const close = tag.indexOf('"', eq + 2);
      if (close < 0) return tag; // unterminated: leave the line alone rather than guess
      if (name === "URI") {
        const uri = tag.slice(eq + 2, close);
        return tag.slice(0, eq + 2) + signUri(uri, options) + tag.slice(close);
      }
      valueEnd = close + 1;
    } else {
      const comma = tag.indexOf(",", eq + 1);
      valueEnd = comma < 0 ? tag.length : comma;
    }
    const next = tag.indexOf(",", valueEnd);
    if (next < 0) return tag;
    i = next + 1;
  }
  return tag;
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
