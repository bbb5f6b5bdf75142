// createPlayer(video, options): asks the worker where to play, waits while the video is generated,
// then plays through hls.js (loaded only now, only on the MSE path) or native HLS.
import type HlsType from "hls.js";
import type { ErrorData } from "hls.js";
import { Emitter, PlayerEvent, type ErrorType, type PlayerEventMap, type PlayerStatus } from "./events.ts";
import { resolveOptions, type PlayerOptions, type ResolvedOptions } from "./options.ts";
import { fetchStreamInfo, StreamRequestError } from "./stream-api.ts";

export interface Player {
  readonly video: HTMLVideoElement;
  readonly status: PlayerStatus;
  readonly engine: "hls.js" | "native" | null;
  on: Emitter["on"];
  once: Emitter["once"];
  off: Emitter["off"];
  play(): Promise<void>;
  pause(): void;
  seek(seconds: number): void;
  /** Stops every request, timer and listener; the video element is left empty. */
  destroy(): void;
}

const HLS_MIME = "application/vnd.apple.mpegurl";
const PROBE_MSE_TYPE = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';

/** Cheap check before importing hls.js: MSE (or ManagedMediaSource) that takes H.264/AAC. */
export function canUseMse(): boolean {
  const ms = (globalThis as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource ?? globalThis.MediaSource;
  return typeof ms?.isTypeSupported === "function" && ms.isTypeSupported(PROBE_MSE_TYPE);
}

export function createPlayer(video: HTMLVideoElement, userOptions: PlayerOptions): Player {
  const options: ResolvedOptions = resolveOptions(userOptions);
  const emitter = new Emitter();
  const abort = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let status: PlayerStatus = "idle";
  let engine: Player["engine"] = null;
  let hls: HlsType | null = null;

  const setStatus = (next: PlayerStatus, progress?: number) => {
    status = next;
    emitter.emit(PlayerEvent.Status, progress === undefined ? { status } : { status, progress });
  };
  const fail = (type: ErrorType, details: string, error: Error) => {
    if (abort.signal.aborted) return;
    setStatus("failed");
    emitter.emit(PlayerEvent.Error, { type, details, fatal: true, error });
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const onPlaying = () => {
    setStatus("playing");
    emitter.emit(PlayerEvent.Playing, { currentTime: video.currentTime });
  };
  video.addEventListener("playing", onPlaying);

  async function attach(manifestUrl: string): Promise<void> {
    if (canUseMse()) {
      const Hls = await options.loadHls();
      if (abort.signal.aborted) return;
      if (Hls.isSupported()) {
        hls = new Hls({ maxBufferLength: 30, backBufferLength: 30, ...options.hlsConfig });
        hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
          if (data.fatal) fail(data.type === "mediaError" ? "media" : "network", data.details, data.error ?? new Error(data.details));
        });
        hls.loadSource(manifestUrl);
        hls.attachMedia(video);
        engine = "hls.js";
      }
    }
    if (!engine) {
      if (!video.canPlayType(HLS_MIME)) {
        return fail("unsupported", "no-hls-support", new Error("this browser can play neither HLS nor Media Source Extensions"));
      }
      video.src = manifestUrl;
      engine = "native";
    }
    setStatus("ready");
    emitter.emit(PlayerEvent.Ready, { manifestUrl, engine });
    if (options.autoplay) video.play().catch(() => {}); // blocked autoplay is the page's to handle (muted, or a click)
  }

  async function start(): Promise<void> {
    if (abort.signal.aborted) return;
    setStatus("loading");
    let delayMs = 1000;
    for (;;) {
      const info = await fetchStreamInfo(options.apiBase, options.videoId, await options.getToken(), abort.signal);
      if (abort.signal.aborted) return;
      if (info.status === "failed") return fail("server", "packaging-failed", new Error(info.error));
      if (info.status === "ready" || info.manifestUrl) return attach(info.manifestUrl!);
      setStatus("generating", info.progress);
      delayMs = Math.min(options.maxPollIntervalMs, Math.max(1000 * info.retryAfter, delayMs));
      await sleep(delayMs);
      if (abort.signal.aborted) return;
    }
  }

  // Start on the next microtask, so listeners added right after createPlayer() see "loading".
  queueMicrotask(() =>
    start().catch((error: Error) => {
      if (abort.signal.aborted) return;
      const auth = error instanceof StreamRequestError && (error.status === 401 || error.status === 403);
      fail(auth ? "auth" : "network", "stream-request-failed", error);
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
    on: emitter.on.bind(emitter),
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    play: () => video.play(),
    pause: () => video.pause(),
    seek: (seconds: number) => {
      video.currentTime = Math.max(0, seconds);
    },
    destroy() {
      if (status === "destroyed") return;
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      video.removeEventListener("playing", onPlaying);
      hls?.destroy();
      hls = null;
      if (engine === "native") {
        video.removeAttribute("src");
        video.load();
      }
      setStatus("destroyed");
      emitter.clear();
    },
  };
}

export type { PlayerEventMap };
