// prewarmNext(video, nextId): pre-warm the next item of a playlist while the current one ends, without
// competing with the current buffer: it waits until the current video is buffered to its end (or
// ends, or reaches its last `withinSeconds` if asked), and runs at most one pre-warm at a time.
import { prewarm, type Prewarmed, type PrewarmOptions } from "./index.ts";

export interface PrewarmNextOptions extends PrewarmOptions {
  /** Also pre-warm this close to the end (seconds) with the buffer incomplete (a slow network); default 0:
   * only once buffered to the end, or ended. A video shorter than this is pre-warmed from its start. */
  withinSeconds?: number;
}

export interface NextPrewarm {
  /** The pre-warm's answer; null when cancelled first or when it failed. */
  readonly result: Promise<Prewarmed | null>;
  /** Whether the pre-warm has begun (the current video was buffered to its end). */
  readonly started: boolean;
  /** Stops waiting, or aborts the pre-warm's requests. */
  cancel(): void;
}

/** The pre-warm running now, anywhere on the page: the next one waits for it. */
let inFlight: Promise<unknown> = Promise.resolve();

const ENDS_WITHIN = 0.5;

/** Whether the element's buffer reaches the end of a video of known duration. */
export function bufferedToEnd(video: HTMLMediaElement): boolean {
  const { buffered, duration, currentTime } = video;
  if (!Number.isFinite(duration) || duration <= 0) return false;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) <= currentTime + ENDS_WITHIN && buffered.end(i) >= duration - ENDS_WITHIN) return true;
  }
  return false;
}

export function prewarmNext(video: HTMLMediaElement, nextId: string, options: PrewarmNextOptions): NextPrewarm {
  const { withinSeconds = 0, ...rest } = options;
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort());
  const events = ["progress", "timeupdate", "durationchange", "ended"] as const;
  let settle!: (value: Prewarmed | null) => void;
  let started = false;
  const result = new Promise<Prewarmed | null>((resolve) => (settle = resolve));
  const stop = () => events.forEach((name) => video.removeEventListener(name, check));
  function check(): void {
    const near = withinSeconds > 0 && Number.isFinite(video.duration) && video.duration - video.currentTime <= withinSeconds;
    if (!bufferedToEnd(video) && !near && !video.ended) return;
    stop();
    started = true;
    const run = inFlight.then(() => (abort.signal.aborted ? null : prewarm(nextId, { ...rest, signal: abort.signal }))).catch(() => null);
    inFlight = run;
    void run.then(settle);
  }
  events.forEach((name) => video.addEventListener(name, check));
  check();
  return {
    result,
    get started() {
      return started;
    },
    cancel() {
      stop();
      abort.abort();
      settle(null);
    },
  };
}
