// prewarm(videoId): before the viewer presses play (a hover, a card scrolled into view, the next
// item of a playlist), ask /stream and fetch the master, the first media playlist(s), their init
// segments and first segments, so a not-yet-packaged video's on-demand session is already encoding
// and the player's first requests hit the browser's cache (segments are immutable). The answer is
// handed to createPlayer as `stream`, so the player asks nothing again while its token lives.
// Through the core's entry, so the bundle shares the core's chunk instead of splitting one more off it.
import { fetchStreamInfo, type PlayerOptions, type StreamInfo } from "../index.ts";

export interface PrewarmOptions {
  /** Where the worker answers ("" for the page's origin). */
  apiBase?: string;
  /** The viewer JWT (or getToken), as for createPlayer. */
  token?: string;
  getToken?: () => string | Promise<string>;
  signal?: AbortSignal;
}

export interface Prewarmed {
  /** The /stream answer (null manifest while a video is generating without a session). */
  stream: StreamInfo;
  /** URLs fetched ahead, in order. */
  fetched: string[];
  /** Spread into createPlayer's options: the video, the API, the token and this /stream answer. */
  playerOptions: PlayerOptions;
}

const attribute = (line: string, name: string) => new RegExp(`[:,]${name}="([^"]*)"`).exec(line)?.[1];

/** The first variant of a master playlist and its default audio rendition, as absolute URLs. */
export function firstRenditions(master: string, base: string): string[] {
  const lines = master.split(/\r?\n/);
  const out: string[] = [];
  const variant = lines.findIndex((line) => line.startsWith("#EXT-X-STREAM-INF"));
  const uri = variant >= 0 ? lines.slice(variant + 1).find((line) => line.trim() && !line.startsWith("#")) : undefined;
  if (uri) out.push(new URL(uri.trim(), base).href);
  const audio = lines.find((line) => line.startsWith("#EXT-X-MEDIA:") && /TYPE=AUDIO/.test(line) && /DEFAULT=YES/.test(line) && attribute(line, "URI"));
  if (audio) out.push(new URL(attribute(audio, "URI")!, base).href);
  return out;
}

/** The init segment (if any) and the first media segment of a media playlist, as absolute URLs. */
export function firstSegments(media: string, base: string): string[] {
  const lines = media.split(/\r?\n/);
  const map = lines.find((line) => line.startsWith("#EXT-X-MAP:"));
  const first = lines.find((line) => line.trim() && !line.startsWith("#"));
  return [map && attribute(map, "URI"), first?.trim()].filter((u): u is string => !!u).map((u) => new URL(u, base).href);
}

export async function prewarm(videoId: string, options: PrewarmOptions): Promise<Prewarmed> {
  const { apiBase = "", signal } = options;
  const token = options.token ?? (await options.getToken?.());
  if (!token) throw new TypeError("prewarm: pass token (a viewer JWT) or getToken");
  // A pre-warm ranks below a playing viewer on the node: the first stopped or refused when its session
  // slots run out (a refusal is a plain "generating" answer with nothing to fetch). The player's own
  // requests past the first segment promote the session.
  const stream = await fetchStreamInfo(apiBase, videoId, token, signal, undefined, undefined, { prewarm: "1" });
  const fetched: string[] = [];
  const get = async (url: string) => {
    fetched.push(url);
    const response = await fetch(url, signal ? { signal } : {});
    if (!response.ok) throw new Error(`prewarm: HTTP ${response.status} for a file of video ${videoId}`);
    return response;
  };
  const manifestUrl = stream.status === "failed" ? undefined : stream.manifestUrl;
  if (manifestUrl) {
    const master = await (await get(manifestUrl)).text();
    await Promise.all(
      firstRenditions(master, manifestUrl).map(async (url) => {
        const media = await (await get(url)).text();
        // Read to the end, so the browser keeps the whole response in its cache.
        await Promise.all(firstSegments(media, url).map(async (segment) => (await get(segment)).arrayBuffer()));
      }),
    );
  }
  const who = options.getToken ? { getToken: options.getToken } : { token };
  return { stream, fetched, playerOptions: { videoId, apiBase, ...who, stream } };
}

export { prewarmNext, bufferedToEnd, type NextPrewarm, type PrewarmNextOptions } from "./next.ts";
