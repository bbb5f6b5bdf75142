// The stream token on every /hls URL, in the path (`/hls/<token>/…`, where relative URIs in
// playlists inherit it) or in the `sig` query parameter: refreshed ahead of expiry and when the
// worker rejects it, and substituted into every request hls.js makes, in the form that request
// carries it, so playback never reloads its source (which would empty the buffer).
import { backoffDelay } from "./backoff.ts";
import { HLS_ROOT, pathTokenOf, tokenOf, withToken } from "@edgestream/contracts/signed-path";
import { STREAM_TOKEN_PARAM } from "@edgestream/contracts/stream-token-param";

export type RefreshReason = "ahead" | "rejected" | "native";

export interface StreamTokenDeps {
  /** Calls /stream again and returns the new manifest URL and expiry (ms since epoch). */
  fetchFresh: () => Promise<{ manifestUrl: string; expiresAt: number }>;
  /** Seconds before expiry to refresh; undefined: a fifth of the token's lifetime, 1–60 s; false: only when rejected. */
  aheadSeconds: number | false | undefined;
  onRefreshed: (expiresAt: number, reason: RefreshReason) => void;
  setTimer: (fn: () => void, ms: number) => void;
  clearTimer: () => void;
  now?: () => number;
}

export class StreamToken {
  sig = "";
  expiresAt = 0;
  /** Query form: the video's folder on the worker (`<origin>/hls/<vid>/`); empty until a query-form URL was set. */
  private scope = "";
  private origin = "";
  /** Path form: every token this player was handed, since hls.js resolves URLs against playlists fetched with any of them. */
  private pathTokens = new Set<string>();
  private pending: Promise<void> | null = null;
  private failures = 0;

  constructor(private deps: StreamTokenDeps) {}

  /** Takes the token from a manifest URL and plans the next refresh ahead of `expiresAt`. */
  set(manifestUrl: string, expiresAt: number): void {
    const url = new URL(manifestUrl);
    this.sig = tokenOf(url) ?? "";
    this.origin = url.origin;
    // Only URLs on the same origin below the video's /hls/<id>/ folder, or below /hls/<a token of ours>/, carry this token.
    const inPath = pathTokenOf(url.pathname);
    if (inPath !== undefined) this.pathTokens.add(inPath);
    else this.scope = url.origin + url.pathname.slice(0, url.pathname.indexOf("/", HLS_ROOT.length) + 1);
    this.expiresAt = expiresAt;
    const now = (this.deps.now ?? Date.now)();
    const { aheadSeconds } = this.deps;
    this.deps.clearTimer();
    if (aheadSeconds === false || !(expiresAt > now)) return;
    const lead = aheadSeconds ?? Math.min(60, Math.max(1, (expiresAt - now) / 5000));
    // Capped: setTimeout fires at once for delays past 2^31 ms (a token valid for weeks).
    this.deps.setTimer(() => void this.refresh("ahead"), Math.min(2 ** 31 - 1, Math.max(0, expiresAt - now - lead * 1000)));
  }

  /** The URL with the current token, for URLs this token covers; others are left alone. */
  sign(url: string): string {
    if (!this.sig || !url.startsWith(this.origin + HLS_ROOT)) return url;
    const u = new URL(url);
    const inPath = pathTokenOf(u.pathname);
    const ours = inPath !== undefined ? this.pathTokens.has(inPath) : this.scope !== "" && url.startsWith(this.scope) && u.searchParams.has(STREAM_TOKEN_PARAM);
    return ours ? withToken(u, this.sig).href : url;
  }

  /** Resolves when no refresh is under way (at most `capMs` later), so a request goes out with the freshest token. */
  settled(capMs = 4000): Promise<void> {
    if (!this.pending) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)));
    return Promise.race([this.pending, cap]).finally(() => clearTimeout(timer));
  }

  /** One refresh at a time: callers during a refresh share it. A failed refresh is retried with backoff. */
  refresh(reason: RefreshReason): Promise<void> {
    this.pending ??= this.deps
      .fetchFresh()
      .then(
        ({ manifestUrl, expiresAt }) => {
          this.failures = 0;
          this.set(manifestUrl, expiresAt);
          this.deps.onRefreshed(expiresAt, reason);
        },
        (error: unknown) => {
          this.deps.clearTimer();
          // A refusal that will not change (signed out, video gone or failed) is final: no more timers.
          const status = (error as { status?: number }).status;
          if (status === 401 || status === 403 || status === 404 || status === 422) return;
          // Otherwise keep playing on the old token (hls.js retries a rejected request, which asks again).
          this.deps.setTimer(() => void this.refresh(reason), backoffDelay(this.failures++, 1000, 15_000));
        },
      )
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
