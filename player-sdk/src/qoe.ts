// Quality of experience: time to first frame, rebuffering, bitrate switches, dropped frames; kept
// on the player and sent in batched analytics beacons (POST /api/events, text/plain).
import { send } from "./stream-api.ts";

export interface QoeMetrics {
  /** From the viewer asking to play (createPlayer with autoplay, or the first `play`) to the first `playing`. */
  timeToFirstFrameMs: number | null;
  rebufferCount: number;
  rebufferMs: number;
  bitrateSwitches: number;
  droppedFrames: number;
}

export interface AnalyticsEvent {
  type: string;
  videoId: string;
  sessionId?: string;
  at: number;
  data?: Record<string, unknown>;
}

export interface QoeDeps {
  video: HTMLVideoElement;
  /** Whether playback was asked for at creation (autoplay): the clock then starts there. */
  startClock: number | null;
  onStall: () => void;
  onStallEnd: (ms: number) => void;
}

/** Tracks rebuffering after start-up (start-up and seeks are not stalls). */
export function trackQoe(d: QoeDeps) {
  const { video } = d;
  const m: QoeMetrics = { timeToFirstFrameMs: null, rebufferCount: 0, rebufferMs: 0, bitrateSwitches: 0, droppedFrames: 0 };
  let askedAt = d.startClock;
  let stallStart: number | null = null;
  const onPlay = () => (askedAt ??= performance.now());
  const onWaiting = () => {
    if (m.timeToFirstFrameMs === null || video.seeking || stallStart !== null) return;
    stallStart = performance.now();
    m.rebufferCount++;
    d.onStall();
  };
  const endStall = () => {
    if (stallStart === null) return;
    const ms = performance.now() - stallStart;
    stallStart = null;
    m.rebufferMs += ms;
    d.onStallEnd(ms);
  };
  const onPlaying = () => {
    if (m.timeToFirstFrameMs === null && askedAt !== null) m.timeToFirstFrameMs = performance.now() - askedAt;
    endStall();
  };
  // A seek during a stall turns it into a seek: count the time so far, then stop.
  const listeners: [string, () => void][] = [["play", onPlay], ["waiting", onWaiting], ["playing", onPlaying], ["seeking", endStall]];
  for (const [name, fn] of listeners) video.addEventListener(name, fn);
  return {
    metrics(): QoeMetrics {
      const quality = video.getVideoPlaybackQuality?.();
      const open = stallStart === null ? 0 : performance.now() - stallStart;
      return { ...m, rebufferMs: Math.round(m.rebufferMs + open), droppedFrames: quality?.droppedVideoFrames ?? 0 };
    },
    bitrateSwitched() {
      m.bitrateSwitches++;
    },
    stop() {
      for (const [name, fn] of listeners) video.removeEventListener(name, fn);
    },
  };
}

export interface AnalyticsDeps {
  apiBase: string;
  lastToken: () => string;
  intervalMs: number;
  /** Batches reach the worker at most this size; the route accepts 500. */
  maxBatch?: number;
}

/** Queues events and sends them in batches: on a timer, when the queue is full, and on pagehide. */
export function createAnalytics(d: AnalyticsDeps) {
  const queue: AnalyticsEvent[] = [];
  const max = d.maxBatch ?? 50;
  const flush = () => {
    if (!queue.length || !d.lastToken()) return;
    void send(d.apiBase, "POST", "/api/events", d.lastToken(), { events: queue.splice(0, max) }, true).catch(() => {});
  };
  const timer = d.intervalMs ? setInterval(flush, d.intervalMs) : undefined;
  addEventListener("pagehide", flush);
  return {
    queue,
    track(event: AnalyticsEvent) {
      if (!d.intervalMs) return;
      queue.push(event);
      if (queue.length >= max) flush();
    },
    flush,
    stop() {
      clearInterval(timer);
      removeEventListener("pagehide", flush);
      flush();
    },
  };
}
