// createPlayer(video, options): asks the worker where to play, waits while the video is generated,
// then plays through hls.js (loaded only now, only on the MSE path), native HLS, or a progressive
// MP4 as the last fallback — refreshing stream tokens, recovering errors and reporting as it goes.
import type HlsType from "hls.js";
import type { ErrorData, LevelLoadedData, LevelSwitchedData } from "hls.js";
import { backoffDelay } from "./backoff.ts";
import { Emitter, PlayerEvent, type Engine, type ErrorType, type PlayerEventMap, type PlayerStatus, type QualityLevel } from "./events.ts";
import { buildHlsConfig } from "./hls-config.ts";
import { resolveOptions, type PlayerOptions, type ResolvedOptions } from "./options.ts";
import { createAnalytics, trackQoe, type QoeMetrics } from "./qoe.ts";
import { createRecovery, type RecoveryKind } from "./recovery.ts";
import { startReporter } from "./session-reporter.ts";
import { fetchProgress, fetchStreamInfo, StreamRequestError, type StreamInfo } from "./stream-api.ts";
import { StreamToken } from "./stream-token.ts";

export interface Player {
  readonly video: HTMLVideoElement;
  readonly status: PlayerStatus;
  readonly engine: Engine | null;
  /** The playback session id from /stream: heartbeats and analytics events carry it. */
  readonly sessionId: string | undefined;
  /** Time to first frame, rebuffering, bitrate switches, dropped frames — so far. */
  readonly qoe: QoeMetrics;
  /** Renditions hls.js can choose from (empty for native HLS and MP4). */
  readonly levels: QualityLevel[];
  /** The fixed rendition index, or "auto" for adaptive bitrate. */
  readonly quality: number | "auto";
  on: Emitter["on"];
  once: Emitter["once"];
  off: Emitter["off"];
  /** Plays once the stream is ready (waits for it if needed). */
  play(): Promise<void>;
  pause(): void;
  seek(seconds: number): void;
  setQuality(level: number | "auto"): void;
  setPlaybackRate(rate: number): void;
  /** Stops every request, timer and listener; the video element is left empty. */
  destroy(): void;
}

const HLS_MIME = "application/vnd.apple.mpegurl";
const PROBE_MSE_TYPE = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';
/** A saved position this close to the end (seconds, or fraction of the duration) starts from 0: the viewer finished. */
const NEAR_END_SEC = 10;
const NEAR_END_FRACTION = 0.95;
const STREAM_RETRIES = 5;

/** Cheap check before importing hls.js: MSE (or ManagedMediaSource) that takes H.264/AAC. */
export function canUseMse(): boolean {
  const ms = (globalThis as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource ?? globalThis.MediaSource;
  return typeof ms?.isTypeSupported === "function" && ms.isTypeSupported(PROBE_MSE_TYPE);
}

export function createPlayer(video: HTMLVideoElement, userOptions: PlayerOptions): Player {
  const o: ResolvedOptions = resolveOptions(userOptions);
  const emitter = new Emitter();
  const abort = new AbortController();
  const { signal } = abort;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const cleanups: (() => void)[] = [];
  let status: PlayerStatus = "idle";
  let engine: Engine | null = null;
  let hls: HlsType | null = null;
  let info: Exclude<StreamInfo, { status: "failed" }> = null!;
  let sessionId: string | undefined;
  let jwt = "";
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));

  const setTimer = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!signal.aborted) fn();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimer(resolve, ms));
  const listen = (target: EventTarget, name: string, fn: () => void) => {
    target.addEventListener(name, fn);
    cleanups.push(() => target.removeEventListener(name, fn));
  };
  const getJwt = async () => (jwt = await o.getToken());
  const setStatus = (next: PlayerStatus, progress?: number) => {
    if (status === next && progress === undefined) return;
    status = next;
    emitter.emit(PlayerEvent.Status, progress === undefined ? { status } : { status, progress });
  };
  const analytics = createAnalytics({ apiBase: o.apiBase, lastToken: () => jwt, intervalMs: o.analyticsIntervalMs });
  const track = (type: string, data?: Record<string, unknown>) =>
    analytics.track({ type, videoId: o.videoId, ...(sessionId ? { sessionId } : {}), at: Date.now(), ...(data ? { data } : {}) });
  const report = (type: ErrorType, details: string, error: Error, fatal: boolean) => {
    if (signal.aborted) return;
    if (fatal) setStatus("failed");
    track("error", { type, details, fatal, message: error.message });
    emitter.emit(PlayerEvent.Error, { type, details, fatal, error });
  };

  let tokenTimer: ReturnType<typeof setTimeout> | undefined;
  const token = new StreamToken({
    aheadSeconds: o.refreshAheadSeconds,
    fetchFresh: async () => {
      const fresh = await fetchStreamInfo(o.apiBase, o.videoId, await getJwt(), signal, sessionId, token.sig || undefined);
      if (fresh.status === "failed" || !fresh.manifestUrl) throw new Error("no manifest to refresh from");
      if (fresh.mp4Url) info = { ...info, mp4Url: fresh.mp4Url };
      return { manifestUrl: fresh.manifestUrl, expiresAt: Date.parse(fresh.expiresAt ?? "") || 0 };
    },
    onRefreshed: (expiresAt, reason) => {
      track("token", { reason });
      emitter.emit(PlayerEvent.TokenRefreshed, { expiresAt, reason });
    },
    setTimer: (fn, ms) => (tokenTimer = setTimer(fn, ms)),
    clearTimer: () => {
      clearTimeout(tokenTimer);
      timers.delete(tokenTimer!);
    },
  });

  const qoe = trackQoe({
    video,
    startClock: o.autoplay ? performance.now() : null,
    onStall: () => {
      track("stall", { position: video.currentTime });
      emitter.emit(PlayerEvent.Stall, { currentTime: video.currentTime });
    },
    onStallEnd: (stallMs) => {
      track("rebuffer", { ms: Math.round(stallMs) });
      emitter.emit(PlayerEvent.Recovered, { from: "stall", stallMs });
    },
  });
  const reporter = startReporter({
    video,
    apiBase: o.apiBase,
    videoId: o.videoId,
    sessionId: () => sessionId,
    token: getJwt,
    lastToken: () => jwt,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    progressIntervalMs: o.progressIntervalMs,
    onSaved: (positionSec, via) => emitter.emit(PlayerEvent.ProgressSaved, { positionSec, via }),
    signal,
  });

  // Prefetch: a few segments before the first play, a steady number ahead while playing, and only
  // the first few at a seek point until playback resumes there (a scrub does not fetch what it skips).
  let started = false;
  let seekingFar = false;
  let segmentSec = 4;
  let steadyForward = o.buffer.forwardSeconds;
  const applyBuffer = () => {
    if (!hls) return;
    const steady = Math.max(steadyForward, o.prefetch.aheadSegments * segmentSec);
    const limit = !started && !o.autoplay ? o.prefetch.startSegments : seekingFar ? o.prefetch.seekSegments : Infinity;
    hls.config.maxBufferLength = hls.config.maxMaxBufferLength = Math.min(steady, limit * segmentSec);
  };
  listen(video, "seeking", () => {
    const t = video.currentTime;
    const b = video.buffered;
    let buffered = false;
    for (let i = 0; i < b.length; i++) buffered ||= b.start(i) <= t && t < b.end(i);
    seekingFar = !buffered;
    applyBuffer();
  });
  listen(video, "seeked", () => {
    seekingFar = false;
    setTimer(applyBuffer, 0);
  });

  listen(video, "playing", () => {
    if (!started) track("start", { ttffMs: Math.round(qoe.metrics().timeToFirstFrameMs ?? -1), engine });
    started = true;
    applyBuffer();
    setStatus("playing");
    emitter.emit(PlayerEvent.Playing, { currentTime: video.currentTime });
  });
  listen(video, "pause", () => {
    if (status === "playing") setStatus("paused");
    track("qoe", { ...qoe.metrics() });
  });

  // Native HLS and MP4 have no request hooks: on an error (an expired token is a 410 the element
  // reports as a network error) get a fresh URL and reload at the same position.
  let reloads = 0;
  listen(video, "error", () => {
    if (engine === "hls.js" || !engine || signal.aborted) return;
    if (reloads >= o.maxRecoveries) {
      return report("network", "native-reload-failed", new Error("the video stopped loading and could not be resumed: check the connection and press play again"), true);
    }
    const position = video.currentTime;
    const wasPlaying = !video.paused || status === "playing";
    setTimer(async () => {
      await token.refresh("native");
      if (signal.aborted) return;
      video.src = engine === "mp4" ? token.sign(info.mp4Url ?? "") : token.sign(info.manifestUrl!);
      video.addEventListener("loadedmetadata", () => (video.currentTime = position), { once: true, signal });
      if (wasPlaying) video.play().catch(() => {});
      video.addEventListener("playing", () => emitter.emit(PlayerEvent.Recovered, { from: "native-reload" }), { once: true, signal });
    }, backoffDelay(reloads++, 250, 4000));
  });

  const levels = (): QualityLevel[] =>
    (hls?.levels ?? []).map((l, index) => ({ index, height: l.height, width: l.width, bitrate: l.bitrate }));

  function giveUp(kind: RecoveryKind | "other", data: ErrorData) {
    const mp4 = info.mp4Url;
    if (mp4) {
      const position = video.currentTime;
      hls?.destroy();
      hls = null;
      engine = "mp4";
      report(kind === "media" ? "media" : "network", "fallback-mp4", new Error(`HLS failed (${data.details}): playing the MP4 version instead`), false);
      video.src = token.sign(mp4);
      video.addEventListener("loadedmetadata", () => (video.currentTime = position), { once: true, signal });
      video.play().catch(() => {});
      return emitter.emit(PlayerEvent.Recovered, { from: "mp4-fallback" });
    }
    const message =
      kind === "media"
        ? "this browser could not decode the video, even after recovering twice"
        : kind === "network"
          ? "the video stopped loading: the server or the network is not answering (check the connection, then reload)"
          : `playback failed (${data.details})`;
    report(kind === "network" ? "network" : "media", data.details, new Error(message, { cause: data.error }), true);
  }

  async function attachHls(manifestUrl: string, startAt: number | undefined): Promise<boolean> {
    const Hls = await o.loadHls();
    if (signal.aborted || !Hls.isSupported()) return false;
    const instance = (hls = new Hls(buildHlsConfig(Hls, o, token, () => void token.refresh("rejected"), startAt)));
    steadyForward = instance.config.maxBufferLength;
    const recovery = createRecovery(instance, {
      max: o.maxRecoveries,
      setTimer,
      onAttempt: (kind, data) => report(kind, data.details, data.error ?? new Error(data.details), false),
      onGiveUp: giveUp,
    });
    const E = Hls.Events;
    instance.on(E.ERROR, (_e, data: ErrorData) => recovery.handle(data));
    instance.on(E.LEVEL_LOADED, (_e, data: LevelLoadedData) => {
      segmentSec = data.details.targetduration || segmentSec;
      applyBuffer();
    });
    instance.on(E.FRAG_BUFFERED, () => {
      const kind = recovery.succeeded();
      if (kind) emitter.emit(PlayerEvent.Recovered, { from: kind });
    });
    let switches = 0;
    instance.on(E.LEVEL_SWITCHED, (_e, data: LevelSwitchedData) => {
      const level = levels()[data.level] ?? null;
      if (switches++) qoe.bitrateSwitched();
      track("quality", { height: level?.height, bitrate: level?.bitrate });
      emitter.emit(PlayerEvent.QualityChange, { level, auto: instance.autoLevelEnabled });
    });
    instance.loadSource(manifestUrl);
    instance.attachMedia(video);
    applyBuffer();
    return true;
  }

  async function attach(manifestUrl: string, startAt: number | undefined): Promise<void> {
    if (canUseMse() && (await attachHls(manifestUrl, startAt))) engine = "hls.js";
    if (signal.aborted) return;
    if (!engine) {
      if (!video.canPlayType(HLS_MIME)) {
        return report("unsupported", "no-hls-support", new Error("this browser can play neither HLS nor Media Source Extensions"), true);
      }
      video.src = manifestUrl;
      if (startAt) video.addEventListener("loadedmetadata", () => (video.currentTime = startAt), { once: true, signal });
      engine = "native";
    }
    setStatus("ready");
    emitter.emit(PlayerEvent.Ready, { manifestUrl, engine });
    readyResolve();
    if (o.autoplay) video.play().catch(() => {}); // blocked autoplay is the page's to handle (muted, or a click)
  }

  async function resumePosition(): Promise<number | undefined> {
    if (o.startPosition !== undefined) return o.startPosition || undefined;
    if (!o.resume) return undefined;
    const saved = await fetchProgress(o.apiBase, o.videoId, await getJwt(), signal).catch(() => null);
    const at = saved?.positionSec;
    const duration = saved?.durationSec;
    if (!at || (duration && (at > duration - NEAR_END_SEC || at > duration * NEAR_END_FRACTION))) return undefined;
    return at;
  }

  async function start(): Promise<void> {
    setStatus("loading");
    const resume = resumePosition(); // in parallel with /stream: it must not delay the first frame
    let delayMs = 1000;
    for (let errors = 0; ; ) {
      let next: StreamInfo;
      try {
        next = await fetchStreamInfo(o.apiBase, o.videoId, await getJwt(), signal, sessionId);
      } catch (error) {
        // Refusals are final; a dropped connection or a 5xx is retried with backoff.
        const transient = !(error instanceof StreamRequestError) || error.status >= 500;
        if (signal.aborted || !transient || errors >= STREAM_RETRIES) throw error;
        await sleep(backoffDelay(errors++, 1000, o.maxPollIntervalMs));
        continue;
      }
      if (signal.aborted) return;
      if (next.status === "failed") return report("server", "packaging-failed", new Error(next.error), true);
      info = next;
      sessionId ??= next.sessionId;
      // A 202 with a manifest URL is an on-demand session: play it now.
      if (next.manifestUrl) {
        token.set(next.manifestUrl, Date.parse(next.expiresAt ?? "") || 0);
        return attach(next.manifestUrl, await resume);
      }
      if (next.status !== "generating") throw new StreamRequestError("the server said ready but sent no manifest URL", 500);
      setStatus("generating", next.progress);
      delayMs = Math.min(o.maxPollIntervalMs, Math.max(1000 * next.retryAfter, delayMs));
      await sleep(delayMs);
      if (signal.aborted) return;
    }
  }

  // Start on the next microtask, so listeners added right after createPlayer() see "loading".
  queueMicrotask(() =>
    start().catch((error: Error) => {
      const auth = error instanceof StreamRequestError && (error.status === 401 || error.status === 403);
      report(auth ? "auth" : "network", "stream-request-failed", error, true);
    }),
  );

  return {
    video,
    get status() {
      return status;
    },
    get engine() {
      return engine;
    },
    get sessionId() {
      return sessionId;
    },
    get qoe() {
      return qoe.metrics();
    },
    get levels() {
      return levels();
    },
    get quality() {
      return !hls || hls.autoLevelEnabled ? "auto" : hls.nextLoadLevel;
    },
    on: emitter.on.bind(emitter),
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    play: () => ready.then(() => video.play()),
    pause: () => video.pause(),
    seek: (seconds: number) => {
      video.currentTime = Math.max(0, seconds);
    },
    setQuality(level) {
      if (hls) hls.nextLevel = level === "auto" ? -1 : level;
    },
    setPlaybackRate(rate) {
      video.playbackRate = rate;
    },
    destroy() {
      if (status === "destroyed") return;
      if (started) track("qoe", { ...qoe.metrics() });
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const cleanup of cleanups) cleanup();
      reporter.stop(started);
      qoe.stop();
      analytics.stop();
      hls?.destroy();
      hls = null;
      if (engine === "native" || engine === "mp4") {
        video.removeAttribute("src");
        video.load();
      }
      setStatus("destroyed");
      emitter.clear();
    },
  };
}

export type { PlayerEventMap };
