// Player options: defaults merged with what the page passes, validated once with messages that say what to fix.
import type { HlsConfig } from "hls.js";

export interface PlayerOptions {
  /** Where the EdgeStream worker answers, e.g. "https://video.example.com" or "" for the page's origin. */
  apiBase?: string;
  videoId: string;
  /** A viewer JWT, or a function that returns a fresh one. */
  token?: string;
  getToken?: () => string | Promise<string>;
  autoplay?: boolean;
  /** Extra hls.js settings, applied last. */
  hlsConfig?: Partial<HlsConfig>;
  /** How hls.js is loaded; defaults to a dynamic import so the core stays small. */
  loadHls?: () => Promise<typeof import("hls.js").default>;
  /** Cap on polling while the video is being generated, in milliseconds. */
  maxPollIntervalMs?: number;
}

export interface ResolvedOptions {
  apiBase: string;
  videoId: string;
  getToken: () => Promise<string>;
  autoplay: boolean;
  hlsConfig: Partial<HlsConfig>;
  loadHls: () => Promise<typeof import("hls.js").default>;
  maxPollIntervalMs: number;
}

export function resolveOptions(options: PlayerOptions): ResolvedOptions {
  if (!options || typeof options !== "object") throw new TypeError("createPlayer: options must be an object with at least videoId");
  if (typeof options.videoId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(options.videoId)) {
    throw new TypeError(`createPlayer: videoId must be a video id such as "V1StGXR8_Z5jdHi6B-myT", got ${JSON.stringify(options.videoId)}`);
  }
  if (options.token !== undefined && options.getToken !== undefined) {
    throw new TypeError("createPlayer: pass either token or getToken, not both");
  }
  const token = options.token;
  const getToken = options.getToken ?? (token !== undefined ? () => token : undefined);
  if (!getToken) throw new TypeError("createPlayer: pass token (a viewer JWT) or getToken (a function returning one)");
  return {
    apiBase: (options.apiBase ?? "").replace(/\/+$/, ""),
    videoId: options.videoId,
    getToken: async () => getToken(),
    autoplay: options.autoplay ?? false,
    hlsConfig: options.hlsConfig ?? {},
    loadHls: options.loadHls ?? (async () => (await import("hls.js")).default),
    maxPollIntervalMs: options.maxPollIntervalMs ?? 10_000,
  };
}
