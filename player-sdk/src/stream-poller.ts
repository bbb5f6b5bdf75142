// Asks /stream until there is something to play: waits out 202 "generating" (honouring retryAfter,
// up to the poll cap) and retries dropped connections and 5xx with backoff; refusals are final.
import { backoffDelay } from "./backoff.ts";
import { Scope } from "./scope.ts";
import { fetchStreamInfo, StreamRequestError, type StreamInfo } from "./stream-api.ts";

export type GeneratingInfo = Extract<StreamInfo, { status: "generating" }>;

export interface StreamPollerDeps {
  apiBase: string;
  videoId: string;
  maxPollIntervalMs: number;
  token: () => Promise<string>;
  /** The playback session to hand back to the worker, once one is known. */
  sessionId: () => string | undefined;
  /** Each 202 without a manifest URL (the video is still being generated). */
  onGenerating: (info: GeneratingInfo) => void;
}

const STREAM_RETRIES = 5;

export class StreamPoller {
  private readonly scope = new Scope();
  private delayMs = 1000;
  private errors = 0;

  constructor(private readonly d: StreamPollerDeps) {}

  /** The first answer with a manifest URL (a 202 with one is an on-demand session), or a failure; null once destroyed. */
  async run(): Promise<StreamInfo | null> {
    const { d, scope } = this;
    while (!scope.destroyed) {
      let next: StreamInfo;
      try {
        next = await fetchStreamInfo(d.apiBase, d.videoId, await d.token(), scope.signal, d.sessionId());
      } catch (error) {
        const transient = !(error instanceof StreamRequestError) || error.status >= 500;
        if (scope.destroyed) return null;
        if (!transient || this.errors >= STREAM_RETRIES) throw error;
        await scope.sleep(backoffDelay(this.errors++, 1000, d.maxPollIntervalMs));
        continue;
      }
      if (scope.destroyed) return null;
      if (next.status === "failed" || next.manifestUrl) return next;
      if (next.status !== "generating") throw new StreamRequestError("the server said ready but sent no manifest URL", 500);
      d.onGenerating(next);
      this.delayMs = Math.min(d.maxPollIntervalMs, Math.max(1000 * next.retryAfter, this.delayMs));
      await scope.sleep(this.delayMs);
    }
    return null;
  }

  destroy(): void {
    this.scope.destroy();
  }
}
