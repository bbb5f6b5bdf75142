// Typed events: a string enum plus a payload map, so `player.on(PlayerEvent.Error, (e) => …)` is typed.

export enum PlayerEvent {
  Status = "status",
  Ready = "ready",
  Playing = "playing",
  Stall = "stall",
  Recovered = "recovered",
  QualityChange = "qualitychange",
  ProgressSaved = "progresssaved",
  TokenRefreshed = "tokenrefreshed",
  Error = "error",
}

export type PlayerStatus = "idle" | "loading" | "generating" | "ready" | "playing" | "paused" | "failed" | "destroyed";

export type Engine = "hls.js" | "native" | "mp4";

export type ErrorType = "network" | "auth" | "media" | "unsupported" | "server";

export interface PlayerErrorData {
  type: ErrorType;
  /** A short machine-readable detail, e.g. "stream-request-failed". */
  details: string;
  /** Fatal: playback has stopped for good. Non-fatal errors are being recovered from. */
  fatal: boolean;
  /** What went wrong, in words a person can act on. */
  error: Error;
}

export interface QualityLevel {
  index: number;
  height: number;
  width: number;
  bitrate: number;
}

export interface PlayerEventMap {
  [PlayerEvent.Status]: { status: PlayerStatus; progress?: number };
  [PlayerEvent.Ready]: { manifestUrl: string; engine: Engine };
  [PlayerEvent.Playing]: { currentTime: number };
  /** Playback waits for data (after it had started; start-up and seeks are not stalls). */
  [PlayerEvent.Stall]: { currentTime: number };
  /** Playback resumed after a stall (`stallMs`) or an error was recovered (`from`). */
  [PlayerEvent.Recovered]: { from: "stall" | "network" | "media" | "native-reload" | "mp4-fallback"; stallMs?: number };
  [PlayerEvent.QualityChange]: { level: QualityLevel | null; auto: boolean };
  [PlayerEvent.ProgressSaved]: { positionSec: number; via: "fetch" | "keepalive" };
  [PlayerEvent.TokenRefreshed]: { expiresAt: number; reason: "ahead" | "rejected" | "native" };
  [PlayerEvent.Error]: PlayerErrorData;
}

/** Typed listeners per event name: the player's events by default, any `{ name: payload }` map otherwise. */
export class Emitter<M extends object = PlayerEventMap> {
  private listeners = new Map<keyof M, Set<(data: never) => void>>();

  on<E extends keyof M>(event: E, listener: (data: M[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  once<E extends keyof M>(event: E, listener: (data: M[E]) => void): () => void {
    const off = this.on(event, (data) => {
      off();
      listener(data);
    });
    return off;
  }

  off<E extends keyof M>(event: E, listener: (data: M[E]) => void): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit<E extends keyof M>(event: E, data: M[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (data: M[E]) => void)(data);
      } catch (error) {
        queueMicrotask(() => {
          throw error; // a listener's bug must not break playback; surface it asynchronously
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
