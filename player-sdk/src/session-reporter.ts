// Heartbeats (every interval while playing, on pause — an ended video pauses — and when the page is
// hidden or shown: the worker's watch time and completion read their positions) and progress
// (every interval when the playhead moved ≥ 1 s, on pause, and on pagehide with a keepalive request).
import { send } from "./stream-api.ts";

export interface ReporterDeps {
  video: HTMLVideoElement;
  apiBase: string;
  videoId: string;
  sessionId: () => string | undefined;
  /** A fresh viewer token for ordinary requests. */
  token: () => Promise<string>;
  /** The last viewer token seen, for pagehide, when nothing can be awaited. */
  lastToken: () => string;
  heartbeatIntervalMs: number;
  progressIntervalMs: number;
  onSaved: (positionSec: number, via: "fetch" | "keepalive") => void;
  signal: AbortSignal;
}

/** The playhead must move at least this far before another save. */
const MIN_MOVE_SEC = 1;

export function startReporter(d: ReporterDeps): { savedAt: () => number | null; stop: (saveLast: boolean) => void } {
  const { video } = d;
  let savedPosition: number | null = null;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let progressTimer: ReturnType<typeof setInterval> | undefined;
  const swallow = () => {};

  const heartbeat = (beacon = false) => {
    const sessionId = d.sessionId();
    if (!d.heartbeatIntervalMs || !sessionId) return;
    const body = { videoId: d.videoId, positionSec: video.currentTime };
    const path = `/api/sessions/${encodeURIComponent(sessionId)}/heartbeat`;
    if (beacon) void send(d.apiBase, "POST", path, d.lastToken(), body, true).catch(swallow);
    else void d.token().then((t) => send(d.apiBase, "POST", path, t, body, false, d.signal)).catch(swallow);
  };

  const save = (beacon = false) => {
    const positionSec = video.currentTime;
    if (!d.progressIntervalMs || !(positionSec >= 0) || (savedPosition !== null && Math.abs(positionSec - savedPosition) < MIN_MOVE_SEC)) return;
    const duration = video.duration;
    const body = { positionSec, ...(Number.isFinite(duration) ? { durationSec: duration } : {}), clientTime: Date.now() };
    const path = `/api/videos/${encodeURIComponent(d.videoId)}/progress`;
    const previous = savedPosition;
    savedPosition = positionSec; // claimed now, so a pause right after a tick does not send twice
    // On pagehide: POST, which sendBeacon can send (the worker takes POST and PUT alike for progress).
    const sent = beacon ? send(d.apiBase, "POST", path, d.lastToken(), body, true) : d.token().then((t) => send(d.apiBase, "PUT", path, t, body, false, d.signal));
    sent.then(
      (ok) => (ok ? d.onSaved(positionSec, beacon ? "keepalive" : "fetch") : (savedPosition = previous)),
      () => (savedPosition = previous),
    );
  };

  const stopTimers = () => {
    clearInterval(heartbeatTimer);
    clearInterval(progressTimer);
    heartbeatTimer = progressTimer = undefined;
  };
  const onPlaying = () => {
    if (heartbeatTimer === undefined) {
      heartbeat(); // opens (or renews) the session's lease as soon as playback starts
      if (d.heartbeatIntervalMs) heartbeatTimer = setInterval(heartbeat, d.heartbeatIntervalMs);
      if (d.progressIntervalMs) progressTimer = setInterval(save, d.progressIntervalMs);
    }
  };
  const onPause = () => {
    // The last position played, so the worker counts the time since the last beat.
    if (heartbeatTimer !== undefined) heartbeat();
    stopTimers();
    save();
  };
  const onVisibility = () => heartbeat(document.visibilityState === "hidden");
  const onPageHide = () => save(true);

  video.addEventListener("playing", onPlaying);
  video.addEventListener("pause", onPause);
  document.addEventListener("visibilitychange", onVisibility);
  addEventListener("pagehide", onPageHide);

  return {
    savedAt: () => savedPosition,
    /** `saveLast`: keep the position (keepalive: the player's own requests are being aborted). */
    stop(saveLast) {
      if (saveLast) save(true);
      stopTimers();
      video.removeEventListener("playing", onPlaying);
      video.removeEventListener("pause", onPause);
      document.removeEventListener("visibilitychange", onVisibility);
      removeEventListener("pagehide", onPageHide);
    },
  };
}
