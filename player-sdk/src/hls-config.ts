// The hls.js settings the player runs with: buffer targets, start-up prefetch, and the request
// hooks and retry policies that keep playback going when a stream token expires.
import type { HlsConfig, LoadPolicy, LoaderResponse, RetryConfig } from "hls.js";
import type { HlsConstructor, ResolvedOptions } from "./options.ts";
import type { StreamToken } from "./stream-token.ts";

const POLICIES = ["manifestLoadPolicy", "playlistLoadPolicy", "fragLoadPolicy", "keyLoadPolicy"] as const;

/** 403 or 410 from the signed path: the token is stale (or was never good): refresh and retry. */
export const isAuthRejection = (response: LoaderResponse | undefined): boolean => response?.code === 403 || response?.code === 410;

export function buildHlsConfig(
  Hls: HlsConstructor,
  o: ResolvedOptions,
  token: StreamToken,
  onRejected: () => void,
  startPosition: number | undefined,
): Partial<HlsConfig> {
  const user = o.hlsConfig;
  const config: Partial<HlsConfig> = {
    maxBufferLength: o.buffer.forwardSeconds,
    // hls.js grows its target up to maxMaxBufferLength when the bitrate is low: cap it, or a
    // low-bitrate video is downloaded whole (and a token expiry later meets no request at all).
    maxMaxBufferLength: o.buffer.forwardSeconds,
    backBufferLength: o.buffer.backSeconds,
    maxBufferSize: o.buffer.maxBytes,
    // Load the first segment while the page is still attaching the media element.
    startFragPrefetch: true,
    ...(startPosition !== undefined ? { startPosition } : {}),
    // hls.js awaits these hooks, so a request issued during a refresh waits for the fresh token.
    xhrSetup: async (xhr, url, context) => {
      await token.settled();
      const signed = token.sign(url);
      xhr.open("GET", signed, true);
      await user.xhrSetup?.(xhr, signed, context);
    },
    fetchSetup: async (context, init) => {
      await token.settled();
      const request = new Request(token.sign(context.url), init);
      return user.fetchSetup ? user.fetchSetup({ ...context, url: request.url }, init) : request;
    },
  };
  for (const name of POLICIES) {
    const base = (user[name] ?? Hls.DefaultConfig[name]) as LoadPolicy;
    const errorRetry = base.default.errorRetry;
    const own = errorRetry?.shouldRetry;
    const retry: RetryConfig = {
      maxNumRetry: 3,
      retryDelayMs: 500,
      maxRetryDelayMs: 4000,
      ...errorRetry,
      // hls.js never retries a 4xx by default; a 403/410 here is a token to refresh while the request is retried.
      shouldRetry: (cfg, count, timeout, response, fallback) => {
        if (isAuthRejection(response)) {
          onRejected();
          return count < Math.max(3, cfg?.maxNumRetry ?? 0);
        }
        return own ? own(cfg, count, timeout, response, fallback) : fallback;
      },
    };
    (config as Record<string, LoadPolicy>)[name] = { default: { ...base.default, errorRetry: retry } };
  }
  const { xhrSetup: _x, fetchSetup: _f, ...rest } = user;
  for (const name of POLICIES) delete (rest as Record<string, unknown>)[name];
  return { ...config, ...rest };
}
