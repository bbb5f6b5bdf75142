// createPlayer(video, options): a small coordinator. It asks the worker where to play (StreamPoller
// waits while the video is generated), then owns one engine at a time — hls.js (which owns its
// prefetch and recovery), native HLS, or the progressive MP4 as the last fallback — beside the
// stream token, QoE, heartbeats/progress and analytics; destroy() destroys each of them.
import type HlsType from "hls.js";
import type { ErrorData } from "hls.js";
import { ElementEngine, canPlayNativeHls } from "./engines/element-engine.ts";
import type { EngineContext, PlaybackEngine } from "./engines/engine.ts";
import { HlsEngine, canUseMse } from "./engines/hls-engine.ts";
import { Emitter, PlayerEvent, type Engine, type ErrorType, type PlayerEventMap, type PlayerStatus, type QualityLevel } from "./events.ts";
import { resolveOptions, type PlayerOptions, type ResolvedOptions } from "./options.ts";
import { createAnalytics, trackQoe, type QoeMetrics } from "./qoe.ts";
import type { RecoveryKind } from "./recovery.ts";
import { resumePosition } from "./resume-position.ts";
import { Scope, type Timer } from "./scope.ts";
import { startReporter } from "./session-reporter.ts";
import { fetchStreamInfo, StreamRequestError, type StreamInfo } from "./stream-api.ts";
import { StreamPoller } from "./stream-poller.ts";
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
  /** The hls.js instance playing (null for native HLS and MP4): audio and subtitle tracks (the `./tracks` entry) read it. */
  readonly hls: HlsType | null;
  /** The viewer JWT last used (from `token` or `getToken`): who is watching, for choices kept per viewer. */
  readonly viewerToken: string;
  /** The /stream answer being played (posterUrl, thumbnailsUrl for a scrubbing preview), once known. */
  readonly stream: StreamInfo | null;
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

export function createPlayer(video: HTMLVideoElement, userOptions: PlayerOptions): Player {
  return new Coordinator(video, resolveOptions(userOptions));
}

class Coordinator implements Player {
  private readonly emitter = new Emitter();
  private readonly scope = new Scope();
  private readonly ctx: EngineContext;
  private readonly token: StreamToken;
  private readonly tracker: ReturnType<typeof trackQoe>;
  private readonly analytics: ReturnType<typeof createAnalytics>;
  private readonly reporter: ReturnType<typeof startReporter>;
  private readonly poller: StreamPoller;
  private readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private state: PlayerStatus = "idle";
  /** The engine being attached or playing; `attached` once one took the stream (the ready event). */
  private current: PlaybackEngine | null = null;
  private attached = false;
  private info: Exclude<StreamInfo, { status: "failed" }> | null = null;
  private session: string | undefined;
  private jwt = "";
  private tokenTimer: Timer | undefined;
  private started = false;

  on: Emitter["on"];
  once: Emitter["once"];
  off: Emitter["off"];

  constructor(
    readonly video: HTMLVideoElement,
    private readonly o: ResolvedOptions,
  ) {
    const { emitter, scope } = this;
    this.on = emitter.on.bind(emitter);
    this.once = emitter.once.bind(emitter);
    this.off = emitter.off.bind(emitter);
    this.ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
    const getJwt = () => this.getJwt();
    this.analytics = createAnalytics({ apiBase: o.apiBase, lastToken: () => this.jwt, intervalMs: o.analyticsIntervalMs });
    this.token = new StreamToken({
      aheadSeconds: o.refreshAheadSeconds,
      fetchFresh: () => this.fetchFresh(),
      onRefreshed: (expiresAt, reason) => {
        this.track("token", { reason });
        emitter.emit(PlayerEvent.TokenRefreshed, { expiresAt, reason });
      },
      setTimer: (fn, ms) => (this.tokenTimer = scope.setTimer(fn, ms)),
      clearTimer: () => scope.clearTimer(this.tokenTimer),
    });
    this.tracker = trackQoe({
      video,
      startClock: o.autoplay ? performance.now() : null,
      onStall: () => {
        this.track("stall", { position: video.currentTime });
        emitter.emit(PlayerEvent.Stall, { currentTime: video.currentTime });
      },
      onStallEnd: (stallMs) => {
        this.track("rebuffer", { ms: Math.round(stallMs) });
        emitter.emit(PlayerEvent.Recovered, { from: "stall", stallMs });
      },
    });
    this.reporter = startReporter({
      video,
      apiBase: o.apiBase,
      videoId: o.videoId,
      sessionId: () => this.session,
      token: getJwt,
      lastToken: () => this.jwt,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      progressIntervalMs: o.progressIntervalMs,
      onSaved: (positionSec, via) => emitter.emit(PlayerEvent.ProgressSaved, { positionSec, via }),
      signal: scope.signal,
    });
    this.poller = new StreamPoller({
      apiBase: o.apiBase,
      videoId: o.videoId,
      maxPollIntervalMs: o.maxPollIntervalMs,
      token: getJwt,
      sessionId: () => this.session,
      onGenerating: (next) => {
        this.session ??= next.sessionId;
        this.setStatus("generating", next.progress);
      },
    });
    this.ctx = {
      video,
      options: o,
      token: this.token,
      emitter,
      report: (...args) => this.report(...args),
      track: (type, data) => this.track(type, data),
    };
    scope.listen(video, "playing", () => {
      if (!this.started) this.track("start", { ttffMs: Math.round(this.tracker.metrics().timeToFirstFrameMs ?? -1), engine: this.engine });
      this.started = true;
      this.setStatus("playing");
      emitter.emit(PlayerEvent.Playing, { currentTime: video.currentTime });
    });
    scope.listen(video, "pause", () => {
      if (this.state === "playing") this.setStatus("paused");
      this.track("qoe", { ...this.tracker.metrics() });
    });
    // Start on the next microtask, so listeners added right after createPlayer() see "loading".
    queueMicrotask(() =>
      this.start().catch((error: Error) => {
        const auth = error instanceof StreamRequestError && (error.status === 401 || error.status === 403);
        this.report(auth ? "auth" : "network", "stream-request-failed", error, true);
      }),
    );
  }

  get status() {
    return this.state;
  }
  get engine() {
    return this.attached ? this.current!.name : null;
  }
  get sessionId() {
    return this.session;
  }
  get qoe() {
    return this.tracker.metrics();
  }
  get levels() {
    return this.current?.levels() ?? [];
  }
  get quality() {
    return this.current?.quality() ?? "auto";
  }
  get stream() {
    return this.info;
  }
  get hls() {
    return this.current?.hls ?? null;
  }
  get viewerToken() {
    return this.jwt;
  }

  // Arrow properties, as the object this player used to be: `button.onclick = player.pause` keeps working.
  play = () => this.ready.then(() => this.video.play());
  pause = () => this.video.pause();
  seek = (seconds: number) => {
    this.video.currentTime = Math.max(0, seconds);
  };
  setQuality = (level: number | "auto") => this.current?.setQuality(level);
  setPlaybackRate = (rate: number) => {
    this.video.playbackRate = rate;
  };

  destroy = () => {
    if (this.state === "destroyed") return;
    if (this.started) this.track("qoe", { ...this.tracker.metrics() });
    this.scope.destroy();
    this.poller.destroy();
    this.reporter.stop(this.started);
    this.tracker.stop();
    this.analytics.stop();
    this.current?.destroy();
    this.current = null;
    this.setStatus("destroyed");
    this.emitter.clear();
  };

  private async getJwt() {
    return (this.jwt = await this.o.getToken());
  }

  private setStatus(next: PlayerStatus, progress?: number) {
    if (this.state === next && progress === undefined) return;
    this.state = next;
    this.emitter.emit(PlayerEvent.Status, progress === undefined ? { status: next } : { status: next, progress });
  }

  private track(type: string, data?: Record<string, unknown>) {
    const { session } = this;
    this.analytics.track({ type, videoId: this.o.videoId, ...(session ? { sessionId: session } : {}), at: Date.now(), ...(data ? { data } : {}) });
  }

  private report(type: ErrorType, details: string, error: Error, fatal: boolean) {
    if (this.scope.destroyed) return;
    if (fatal) this.setStatus("failed");
    this.track("error", { type, details, fatal, message: error.message });
    this.emitter.emit(PlayerEvent.Error, { type, details, fatal, error });
  }

  /** A fresh stream token: /stream again, naming the playback session and the token it replaces. */
  private async fetchFresh() {
    const { o, token } = this;
    const fresh = await fetchStreamInfo(o.apiBase, o.videoId, await this.getJwt(), this.scope.signal, this.session, token.sig || undefined);
    if (fresh.status === "failed" || !fresh.manifestUrl) throw new Error("no manifest to refresh from");
    if (fresh.mp4Url && this.info) this.info = { ...this.info, mp4Url: fresh.mp4Url };
    return { manifestUrl: fresh.manifestUrl, expiresAt: Date.parse(fresh.expiresAt ?? "") || 0 };
  }

  private async start(): Promise<void> {
    this.setStatus("loading");
    const resume = resumePosition(this.o, () => this.getJwt(), this.scope.signal); // in parallel with /stream: it must not delay the first frame
    // A pre-warmed answer (prewarm()) is played as it is while its token lives: the requests it made are cached.
    const given = this.o.stream;
    const fresh = given?.status !== "failed" && given?.manifestUrl && Date.parse(given.expiresAt ?? "") > Date.now() + 5000;
    const next = fresh ? given : await this.poller.run();
    if (!next) return;
    if (next.status === "failed") return this.report("server", "packaging-failed", new Error(next.error), true);
    this.info = next;
    this.session ??= next.sessionId;
    if (next.status === "ready" && next.posterUrl && !this.video.poster) this.video.poster = next.posterUrl;
    this.token.set(next.manifestUrl!, Date.parse(next.expiresAt ?? "") || 0);
    await this.attach(next.manifestUrl!, await resume);
  }

  /** hls.js where MSE plays H.264/AAC, else native HLS, else the progressive MP4; an error when there is none of them. */
  private async attach(manifestUrl: string, startAt: number | undefined): Promise<void> {
    const { video, o } = this;
    if (canUseMse()) {
      const hls = (this.current = new HlsEngine({ ...this.ctx, onGiveUp: (kind, data) => this.giveUp(kind, data), onBitrateSwitch: () => this.tracker.bitrateSwitched() }));
      if (!(await hls.attach(manifestUrl, startAt))) {
        hls.destroy();
        this.current = null;
      }
    }
    if (this.scope.destroyed) return;
    if (!this.current) {
      const mp4 = this.info?.mp4Url;
      const native = canPlayNativeHls(video);
      if (!native && !mp4) {
        return this.report("unsupported", "no-hls-support", new Error("this browser can play neither HLS nor Media Source Extensions"), true);
      }
      await (this.current = this.elementEngine(native ? "native" : "mp4")).attach(native ? manifestUrl : this.token.sign(mp4!), startAt);
    }
    this.attached = true;
    this.setStatus("ready");
    this.emitter.emit(PlayerEvent.Ready, { manifestUrl, engine: this.current.name });
    this.readyResolve();
    if (o.autoplay) video.play().catch(() => {}); // blocked autoplay is the page's to handle (muted, or a click)
  }

  private elementEngine(name: "native" | "mp4") {
    return new ElementEngine(name, { ...this.ctx, isPlaying: () => this.state === "playing" });
  }

  /** hls.js could not recover: play the progressive MP4 from the same position if there is one, else fail with words a person can act on. */
  private giveUp(kind: RecoveryKind | "other", data: ErrorData) {
    const { video, token } = this;
    const mp4 = this.info?.mp4Url;
    if (mp4) {
      const position = video.currentTime;
      this.current?.destroy();
      const engine = (this.current = this.elementEngine("mp4"));
      this.report(kind === "media" ? "media" : "network", "fallback-mp4", new Error(`HLS failed (${data.details}): playing the MP4 version instead`), false);
      void engine.attach(token.sign(mp4), position);
      video.play().catch(() => {});
      return this.emitter.emit(PlayerEvent.Recovered, { from: "mp4-fallback" });
    }
    const message =
      kind === "media"
        ? "this browser could not decode the video, even after recovering twice"
        : kind === "network"
          ? "the video stopped loading: the server or the network is not answering (check the connection, then reload)"
          : `playback failed (${data.details})`;
    this.report(kind === "network" ? "network" : "media", data.details, new Error(message, { cause: data.error }), true);
  }
}

export type { PlayerEventMap };
