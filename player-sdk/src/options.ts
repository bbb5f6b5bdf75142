// Player options: defaults merged with what the page passes, validated once with messages that say what to fix.
import type { HlsConfig } from "hls.js";
import type { StreamInfo } from "./stream-api.ts";

export type HlsConstructor = typeof import("hls.js").default;

export type BufferPreset = "low" | "balanced" | "high";

export interface BufferSettings {
  /** Seconds buffered ahead of the playhead (hls.js maxBufferLength). */
  forwardSeconds: number;
  /** Seconds kept behind the playhead, so a short seek back needs no request (hls.js backBufferLength). */
  backSeconds: number;
  /** Cap on buffered bytes ahead (hls.js maxBufferSize). */
  maxBytes: number;
}

export interface PrefetchSettings {
  /** Segments fetched before the viewer presses play. */
  startSegments: number;
  /** Segments always kept ahead while playing (raises forwardSeconds when segments are long). */
  aheadSegments: number;
  /** Segments fetched at a seek point before the buffer grows to its steady size again. */
  seekSegments: number;
}

export const BUFFER_PRESETS: Record<BufferPreset, BufferSettings> = {
  // low: phones on metered data; balanced: the default; high: long-form on good networks.
  low: { forwardSeconds: 12, backSeconds: 10, maxBytes: 20e6 },
  balanced: { forwardSeconds: 30, backSeconds: 30, maxBytes: 60e6 },
  high: { forwardSeconds: 60, backSeconds: 90, maxBytes: 120e6 },
};

export interface PlayerOptions {
  /** Where the EdgeStream worker answers, e.g. "https://video.example.com", or "" for the page's origin. */
  apiBase?: string;
  videoId: string;
  /** A viewer JWT, or a function that returns a fresh one. */
  token?: string;
  getToken?: () => string | Promise<string>;
  autoplay?: boolean;
  /** Start here (seconds); overrides resuming from saved progress. */
  startPosition?: number;
  /** Resume from the viewer's saved position unless it is near the end (default true). */
  resume?: boolean;
  buffer?: BufferPreset | Partial<BufferSettings>;
  prefetch?: Partial<PrefetchSettings>;
  /** Session heartbeat while playing (default 30 000 ms; 0 turns heartbeats off). */
  heartbeatIntervalMs?: number;
  /** Progress saving while playing (default 10 000 ms; 0 turns progress saving off). */
  progressIntervalMs?: number;
  /** QoE/analytics batches (default 15 000 ms; 0 turns analytics off). */
  analyticsIntervalMs?: number;
  /** Refresh the stream token this many seconds before it expires (default: a fifth of its lifetime, 1–60 s); false: only when rejected. */
  refreshAheadSeconds?: number | false;
  /** Recovery attempts per kind of error before falling back or giving up (default 3). */
  maxRecoveries?: number;
  /** Cap on polling while the video is being generated, in milliseconds. */
  maxPollIntervalMs?: number;
  /** Extra hls.js settings, applied last. */
  hlsConfig?: Partial<HlsConfig>;
  /** How hls.js is loaded; defaults to a dynamic import so the core stays small. */
  loadHls?: () => Promise<HlsConstructor>;
  /** A /stream answer already fetched (by prewarm()): played without asking again while its token is valid. */
  stream?: StreamInfo;
}

export interface ResolvedOptions {
  apiBase: string;
  videoId: string;
  getToken: () => Promise<string>;
  autoplay: boolean;
  startPosition: number | undefined;
  resume: boolean;
  buffer: BufferSettings;
  prefetch: PrefetchSettings;
  heartbeatIntervalMs: number;
  progressIntervalMs: number;
  analyticsIntervalMs: number;
  refreshAheadSeconds: number | false | undefined;
  maxRecoveries: number;
  maxPollIntervalMs: number;
  hlsConfig: Partial<HlsConfig>;
  loadHls: () => Promise<HlsConstructor>;
  stream: StreamInfo | undefined;
}

const fail = (message: string): never => {
  throw new TypeError(`createPlayer: ${message}`);
};

function num(name: string, value: unknown, fallback: number, max = 1e9): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= max)) fail(`${name} must be a number from 0 to ${max}, got ${JSON.stringify(value)}`);
  return value as number;
}

export function resolveOptions(options: PlayerOptions): ResolvedOptions {
  if (!options || typeof options !== "object") fail("options must be an object with at least videoId");
  const o = options;
  if (typeof o.videoId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(o.videoId)) {
    fail(`videoId must be a video id such as "V1StGXR8_Z5jdHi6B-myT", got ${JSON.stringify(o.videoId)}`);
  }
  if (o.token !== undefined && o.getToken !== undefined) fail("pass either token or getToken, not both");
  const token = o.token;
  const getToken = o.getToken ?? (typeof token === "string" && token ? () => token : undefined);
  if (typeof getToken !== "function") fail("pass token (a viewer JWT) or getToken (a function returning one)");

  const preset = typeof o.buffer === "string" ? BUFFER_PRESETS[o.buffer] : BUFFER_PRESETS.balanced;
  if (!preset) fail(`buffer must be "low", "balanced", "high" or an object, got ${JSON.stringify(o.buffer)}`);
  const b = (typeof o.buffer === "object" ? o.buffer : {}) as Partial<BufferSettings>;
  const p = o.prefetch ?? {};
  const ahead = o.refreshAheadSeconds;
  return {
    apiBase: (o.apiBase ?? "").replace(/\/+$/, ""),
    videoId: o.videoId,
    getToken: async () => getToken!(),
    autoplay: o.autoplay ?? false,
    startPosition: o.startPosition === undefined ? undefined : num("startPosition", o.startPosition, 0),
    resume: o.resume ?? true,
    buffer: {
      forwardSeconds: num("buffer.forwardSeconds", b.forwardSeconds, preset!.forwardSeconds, 3600),
      backSeconds: num("buffer.backSeconds", b.backSeconds, preset!.backSeconds, 3600),
      maxBytes: num("buffer.maxBytes", b.maxBytes, preset!.maxBytes),
    },
    prefetch: {
      startSegments: num("prefetch.startSegments", p.startSegments, 2, 50),
      aheadSegments: num("prefetch.aheadSegments", p.aheadSegments, 3, 50),
      seekSegments: num("prefetch.seekSegments", p.seekSegments, 2, 50),
    },
    heartbeatIntervalMs: num("heartbeatIntervalMs", o.heartbeatIntervalMs, 30_000),
    progressIntervalMs: num("progressIntervalMs", o.progressIntervalMs, 10_000),
    analyticsIntervalMs: num("analyticsIntervalMs", o.analyticsIntervalMs, 15_000),
    refreshAheadSeconds: ahead === false || ahead === undefined ? ahead : num("refreshAheadSeconds", ahead, 0),
    maxRecoveries: num("maxRecoveries", o.maxRecoveries, 3, 20),
    maxPollIntervalMs: num("maxPollIntervalMs", o.maxPollIntervalMs, 10_000),
    hlsConfig: o.hlsConfig ?? {},
    loadHls: o.loadHls ?? (async () => (await import("hls.js")).default),
    stream: o.stream,
  };
}
