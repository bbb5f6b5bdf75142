// The signed path: playlists and the segment gate. Query form (/hls/<vid>/<file>?sig=): playlists
// rewritten so every URI carries the token. Path form (/hls/<token>/<file>): playlists as stored.
// No database and no JWT here: the token alone says what may be read and where it lives. The one
// exception is a video's sidecar subtitles (subtitles/sidecar-files.ts), reached only through the
// master name /stream hands out to videos that have some.
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { rewriteThumbnailTrack } from "../manifest/vtt-rewriter.ts";
import { bytesToByteString, byteStringToBytes } from "../manifest/byte-string.ts";
import { CachedPlaylist, PlaylistCache } from "../manifest/playlist-cache.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { contentTypeFor } from "../http/content-type.ts";
import { parseRangeHeader } from "../http/range.ts";
import { rewritePlaylist, withParam, type RewriteOptions } from "../manifest/rewriter.ts";
import { parseHlsPath } from "../signing/hls-path.ts";
import { nginxSignedUrl } from "../signing/nginx-secure-link.ts";
import { streamScope } from "../signing/stream-token.ts";
import { VerifiedTokens } from "../signing/verified-tokens.ts";
import { HLS_ROOT, isSessionFile, PROGRESSIVE_MP4, RangeNotSatisfiableError, STREAM_TOKEN_PARAM } from "@edgestream/contracts";
import { attachmentDisposition, downloadFilename } from "../http/content-disposition.ts";
import { DOWNLOAD_PARAM } from "./download.ts";
import { nowSeconds } from "../clock.ts";
import { parseSidecarPath, sidecarAnswer } from "../subtitles/sidecar-files.ts";
import type { Context } from "hono";

/**
 * The signed path in the OpenAPI document (served by a plain route: it has no JSON to validate). One
 * template for both forms: OpenAPI counts /hls/{id}/… and /hls/{token}/… as the same path.
 */
export const HLS_PATH_DOC = {
  method: "get" as const,
  path: `${HLS_ROOT}{id}/{path}`,
  summary: "Signed playlists, segments, thumbnails: the stream token from /stream in the path or in sig",
  description:
    "Path form, /hls/{token}/{path} (the manifestUrl /stream hands out for packages with relative URIs): playlists come back as their stored bytes, their relative URIs inheriting the token; so does the DASH manifest (dashUrl, .mpd, application/dash+xml), which the query form does not serve (404 dash_needs_path_form). " +
    "Query form, /hls/{videoId}/{path}?sig={token}: playlists (.m3u8) and thumbnail tracks (.vtt) come back with every URI signed. Both Cache-Control: no-cache. " +
    "Other files stream from storage with Range support (Cache-Control: immutable); the progressive MP4 (download.mp4) with download={name} comes as an attachment named {name}.mp4. 403: invalid or missing token, or a hostile path; 410: expired token; both no-store.",
  request: {
    params: z.object({
      id: z.string().openapi({ description: "the stream token (path form) or the video id (query form)" }),
      path: z.string().openapi({ example: "v0/seg_00001.m4s" }),
    }),
    query: z.object({
      [STREAM_TOKEN_PARAM]: z.string().optional().openapi({ description: "the stream token, in the query form" }),
      [DOWNLOAD_PARAM]: z.string().optional().openapi({ description: "download.mp4 only: answer as an attachment with this file name (the URL /api/videos/{id}/download gives)" }),
    }),
  },
  responses: {
    200: { description: "the playlist or the bytes" },
    206: { description: "the requested byte range" },
    403: { description: "invalid signature, wrong video, or a hostile path" },
    410: { description: "valid but expired token: get a fresh one from /stream" },
    416: { description: "range not satisfiable" },
    503: { description: "storage_unavailable: media storage kept failing; try again (Retry-After, no-store)" },
  },
};

const MAX_PLAYLIST_BYTES = 8 * 1024 * 1024;
const SEGMENT_CACHE = "public, max-age=31536000, immutable";

function deny(status: 403 | 410, code: string, message: string): HttpError {
  // no-store: a cached 403/410 would keep failing after the player fetched a fresh token.
  return new HttpError(status, code, message, { "Cache-Control": "no-store" });
}

export function hlsRoutes(deps: AppDeps) {
  const now = () => nowSeconds(deps);
  const cache = new PlaylistCache();
  const tokens = new VerifiedTokens(deps.keyring);
  const selfOrigins = deps.config.PUBLIC_ORIGINS.split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean);
  const app = new Hono<AppEnv>();
  // No answer about a signed path may be cached when it is an error: a fresh token must fix it.
  app.use(`${HLS_ROOT}*`, async (c, next) => {
    await next();
    if (c.res.status >= 400) c.res.headers.set("Cache-Control", "no-store");
  });
  return app.get(`${HLS_ROOT}*`, async (c) => {
    const url = new URL(c.req.url);
    const path = parseHlsPath(url.pathname);
    if (!path) throw deny(403, "bad_path", "this path cannot be signed");
    const token = path.form === "path" ? path.token : url.searchParams.get(STREAM_TOKEN_PARAM);
    if (!token) throw deny(403, "missing_signature", `the URL carries no "${STREAM_TOKEN_PARAM}" token`);
    const verdict = await tokens.verify(token, path.path, now(), deps.config.CLOCK_SKEW_SECONDS);
    if (!verdict.ok) {
      if (verdict.reason === "expired") throw deny(410, "expired", "the stream token has expired: ask /stream for a fresh one");
      throw deny(403, "invalid_signature", `the stream token is not valid here (${verdict.reason})`);
    }
    // Query form: every URI of a playlist gets the token. Path form: relative URIs inherit it from
    // the playlist's URL, so playlists go out as stored.
    const signing: RewriteOptions | null = path.form === "query" ? { param: STREAM_TOKEN_PARAM, value: token, selfOrigins } : null;
    const { src, session, sub } = verdict.claims;
    if (session !== undefined) return fromNodeSession(c, deps, { session, sub }, path.rest, signing);
    let key = `${src}/${path.rest}`;
    const sidecar = parseSidecarPath(path.rest);
    if (sidecar) {
      const answer = await sidecarAnswer(deps, verdict.claims.vid, src!, sidecar, async (k) => (await readPlaylist(deps, cache, k)).bytes);
      if ("key" in answer) key = answer.key;
      else {
        // Generated here: signed like a stored playlist in the query form, but never mapped to nginx
        // (the sidecar's files are not below the package's prefix).
        const bytes = new TextEncoder().encode(answer.text);
        const body = signing && answer.servedAs.endsWith(".m3u8") ? byteStringToBytes(rewritePlaylist(bytesToByteString(bytes), signing)) : bytes;
        return c.body(body, 200, { "Content-Type": contentTypeFor(answer.servedAs), "Cache-Control": "no-cache" });
      }
    }

    if (!sidecar && path.rest.endsWith(".mpd")) return storedManifest(c, deps, cache, key, signing);
    const rewrite = sidecar ? null : path.rest.endsWith(".m3u8") ? rewritePlaylist : path.rest.endsWith(".vtt") ? rewriteThumbnailTrack : null;
    if (rewrite) {
      const playlist = await readPlaylist(deps, cache, key);
      const headers = { "Content-Type": contentTypeFor(key), "Cache-Control": "no-cache" };
      if (!signing) return c.body(playlist.bytes, 200, headers);
      const nginxSecret = deps.config.NGINX_SECURE_LINK_SECRET;
      if (nginxSecret) {
        // A VOD player fetches each playlist once and cannot swap a token into an md5 link, so nginx
        // links outlive the stream token: for NGINX_LINK_TTL_SECONDS from now, at least.
        const linkExp = Math.max(verdict.claims.exp, now() + deps.config.NGINX_LINK_TTL_SECONDS);
        signing.mapUri = nginxMapper(verdict.claims.vid, path.rest, src, token, linkExp, nginxSecret, deps.config.NGINX_MEDIA_URL);
      }
      return c.body(byteStringToBytes(rewrite(playlist.byteString(), signing)), 200, headers);
    }

    const range = parseRangeHeader(c.req.header("Range"));
    if (range === "invalid") throw new HttpError(416, "bad_range", "the Range header is not a single byte range");
    let object;
    try {
      object = await deps.storage.get(key, range ? { range } : {});
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) {
        throw new HttpError(416, "range_not_satisfiable", error.message, { "Content-Range": `bytes */${error.size}` });
      }
      throw error;
    }
    if (!object) throw new HttpError(404, "not_found", "no such segment");
    const headers: Record<string, string> = {
      "Content-Type": contentTypeFor(key),
      "Cache-Control": SEGMENT_CACHE,
      "Accept-Ranges": "bytes",
    };
    if (object.etag) headers["ETag"] = object.etag;
    // The download link (/api/videos/:id/download): the progressive MP4 saved under the video's title.
    const download = path.rest === PROGRESSIVE_MP4 ? url.searchParams.get(DOWNLOAD_PARAM) : null;
    if (download !== null) headers["Content-Disposition"] = attachmentDisposition(downloadFilename(download.replace(/\.mp4$/i, ""), ".mp4"));
    if (object.range) {
      const { offset, length } = object.range;
      headers["Content-Range"] = `bytes ${offset}-${offset + length - 1}/${object.size}`;
      headers["Content-Length"] = String(length);
      return c.body(object.body, 206, headers);
    }
    headers["Content-Length"] = String(object.size);
    return c.body(object.body, 200, headers);
  });
}

/**
 * nginx mode: playlists stay on the worker (token), every other file points at nginx with its own
 * secure_link signature, valid as long as the stream token. A URI that resolves outside the video's
 * prefix is left to the token path (and the gate), never signed for nginx.
 */
function nginxMapper(vid: string, playlist: string, src: string, token: string, exp: number, secret: string, base: string) {
  const scope = streamScope(vid);
  return (uri: string): string => {
    const resolved = new URL(uri, `http://worker${scope}${playlist}`);
    if (resolved.origin !== "http://worker" || !resolved.pathname.startsWith(scope) || resolved.pathname.endsWith(".m3u8") || resolved.search) {
      return withParam(uri, STREAM_TOKEN_PARAM, token);
    }
    return nginxSignedUrl(base, `${src}/${resolved.pathname.slice(scope.length)}`, exp, secret) + resolved.hash;
  };
}

/**
 * A DASH manifest: its stored bytes in the path form, where every relative URL (segment templates
 * included) inherits the token. Nothing rewrites an MPD, so the query form cannot carry the token on.
 */
async function storedManifest(c: Context<AppEnv>, deps: AppDeps, cache: PlaylistCache, key: string, signing: RewriteOptions | null): Promise<Response> {
  if (signing) throw new HttpError(404, "dash_needs_path_form", "a DASH manifest is served in the path form only (/hls/<token>/<file>.mpd, the dashUrl from /stream)");
  const manifest = await readPlaylist(deps, cache, key);
  return c.body(manifest.bytes, 200, { "Content-Type": contentTypeFor(key), "Cache-Control": "no-cache" });
}

/** A playlist's stored bytes: from the cache when storage still has the same version, else read and kept. */
async function readPlaylist(deps: AppDeps, cache: PlaylistCache, key: string): Promise<CachedPlaylist> {
  const head = await deps.storage.head(key);
  if (!head) throw new HttpError(404, "not_found", "no such playlist");
  if (head.size > MAX_PLAYLIST_BYTES) throw new HttpError(502, "playlist_too_large", "the stored playlist is too large to sign");
  const cached = head.etag ? cache.get(key, head.etag) : undefined;
  if (cached !== undefined) return cached;
  const object = await deps.storage.get(key);
  if (!object) throw new HttpError(404, "not_found", "no such playlist");
  const bytes = new Uint8Array(await new Response(object.body).arrayBuffer());
  if (head.etag && object.etag === head.etag) return cache.set(key, head.etag, bytes);
  return new CachedPlaylist(bytes);
}

/**
 * A file of an on-demand session, proxied from the node: playlists rewritten and signed like stored
 * ones, segments streamed through. Every request renews the viewer's lease (the token's viewer).
 * "Not ready yet" from the node is a 503 the player retries, never cached.
 */
async function fromNodeSession(c: Context<AppEnv>, deps: AppDeps, claims: { session: string; sub?: string }, rest: string, signing: RewriteOptions | null): Promise<Response> {
  if (!deps.transcoder) throw new HttpError(404, "not_found", "on-demand sessions are not configured here");
  // Only what a player fetches: playlists, the init segment and media segments (not the node's API).
  if (!isSessionFile(rest)) throw new HttpError(404, "not_found", "no such file in a session");
  const response = await deps.transcoder.sessionFile(claims.session, rest, claims.sub);
  // The session lapsed (a long pause) or the node restarted: 410 makes the player refresh its token,
  // and /stream opens a new session (or hands out the finished package).
  if (!response) throw new HttpError(410, "session_ended", "the on-demand session ended: ask /stream for a fresh token");
  if (response.status === 503) {
    await response.body?.cancel();
    throw new HttpError(503, "not_ready", "the segment is still being encoded: retry", { "Retry-After": response.headers.get("Retry-After") ?? "1", "Cache-Control": "no-store" });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new HttpError(502, "node_error", `the transcode node answered HTTP ${response.status}`);
  }
  if (rest.endsWith(".m3u8")) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const body = signing ? byteStringToBytes(rewritePlaylist(bytesToByteString(bytes), signing)) : bytes;
    return c.body(body, 200, { "Content-Type": contentTypeFor(rest), "Cache-Control": "no-cache" });
  }
  const headers: Record<string, string> = { "Content-Type": contentTypeFor(rest), "Cache-Control": SEGMENT_CACHE };
  const length = response.headers.get("Content-Length");
  if (length) headers["Content-Length"] = length;
  return c.body(response.body, 200, headers);
}
