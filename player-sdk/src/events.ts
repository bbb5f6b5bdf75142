// Typed events: a string enum plus a payload map, so `player.on(PlayerEvent.Error, (e) => …)` is typed.

export enum PlayerEvent {
  Status = "status",
  Ready = "ready",
  Playing = "playing",
  Error = "error",
}

export type PlayerStatus = "idle" | "loading" | "generating" | "ready" | "playing" | "failed" | "destroyed";

export type ErrorType = "network" | "auth" | "media" | "unsupported" | "server";

export interface PlayerErrorData {
  type: ErrorType;
  /** A short machine-readable detail, e.g. "stream-request-failed". */
  details: string;
  fatal: boolean;
  /** What went wrong, in words a person can act on. */
  error: Error;
}

export interface PlayerEventMap {
  [PlayerEvent.Status]: { status: PlayerStatus; progress?: number };
  [PlayerEvent.Ready]: { manifestUrl: string; engine: "hls.js" | "native" };
  [PlayerEvent.Playing]: { currentTime: number };
  [PlayerEvent.Error]: PlayerErrorData;
}

type Listener<E extends PlayerEvent> = (data: PlayerEventMap[E]) => void;

export class Emitter {
  private listeners = new Map<PlayerEvent, Set<Listener<PlayerEvent>>>();

  on<E extends PlayerEvent>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<PlayerEvent>);
    return () => this.off(event, listener);
  }

  once<E extends PlayerEvent>(event: E, listener: Listener<E>): () => void {
    const off = this.on(event, (data) => {
      off();
      listener(data);
    });
    return off;
  }

  off<E extends PlayerEvent>(event: E, listener: Listener<E>): void {
    this.listeners.get(event)?.delete(listener as Listener<PlayerEvent>);
  }

  emit<E extends PlayerEvent>(event: E, data: PlayerEventMap[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(data);
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
