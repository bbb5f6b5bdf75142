// What the browser tests and the player bench measure on a page: the first `playing` and every
// media event after it, on `window.testLog`.

export interface TestLog {
  /** performance.now() when the page asked to play (before /stream), set by the page. */
  askedAt: number | null;
  /** performance.now() and currentTime at the first `playing`. */
  start: { t: number; currentTime: number } | null;
  /** Media events after the first `playing`: waiting/playing/seeking with their times. */
  media: { type: string; t: number; currentTime: number }[];
  /** Every SDK event, in order (SDK pages only). */
  events: { event: string; t: number; data: unknown }[];
  /** What hls.js was asked to do (SDK pages only, through a recording hls.js subclass). */
  hls: HlsRecord;
}

export interface HlsRecord {
  /** `loadSource` calls: a second one empties the buffer. */
  loadSource: number;
  /** MEDIA_ATTACHING events: hls.js re-attaches when a new source is loaded. */
  mediaAttaching: number;
  /** BUFFER_FLUSHING events, with the playhead when each began. */
  flushes: { type: string | null; startOffset: number; endOffset: number; currentTime: number }[];
}

export function record(video: HTMLVideoElement): TestLog {
  const log: TestLog = { askedAt: null, start: null, media: [], events: [], hls: { loadSource: 0, mediaAttaching: 0, flushes: [] } };
  for (const type of ["waiting", "playing", "seeking", "stalled"]) {
    video.addEventListener(type, () => {
      const t = performance.now();
      if (type === "playing" && !log.start) log.start = { t, currentTime: video.currentTime };
      else if (log.start) log.media.push({ type, t, currentTime: video.currentTime });
    });
  }
  Object.assign(window, { testLog: log });
  return log;
}

export async function signIn(viewer: string): Promise<string> {
  const response = await fetch("/api/auth/demo-login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: viewer }),
  });
  return ((await response.json()) as { token: string }).token;
}
