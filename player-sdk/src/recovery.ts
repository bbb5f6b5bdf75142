// Fatal hls.js errors, handled in a bounded order: network → startLoad with backoff; media →
// recoverMediaError, then swapAudioCodec; past the bound the player falls back or gives up.
import type HlsType from "hls.js";
import type { ErrorData } from "hls.js";
import { backoffDelay } from "./backoff.ts";

export type RecoveryKind = "network" | "media";

export interface RecoveryDeps {
  max: number;
  setTimer: (fn: () => void, ms: number) => void;
  /** Called when a recovery attempt starts (a non-fatal error for the page). */
  onAttempt: (kind: RecoveryKind, data: ErrorData) => void;
  /** Called when the bound is reached or the error cannot be recovered. */
  onGiveUp: (kind: RecoveryKind | "other", data: ErrorData) => void;
  now?: () => number;
}

/** Counters reset after this long without a fatal error, so a long session is not judged by one bad minute. */
const QUIET_RESET_MS = 60_000;

export function createRecovery(hls: HlsType, deps: RecoveryDeps) {
  const attempts = { network: 0, media: 0 };
  let lastErrorAt = 0;
  let pending: RecoveryKind | null = null;
  const now = deps.now ?? (() => performance.now());

  return {
    /** The kind of the recovery under way, if any; cleared by `succeeded()` when media flows again. */
    get pending() {
      return pending;
    },
    succeeded(): RecoveryKind | null {
      const kind = pending;
      pending = null;
      return kind;
    },
    handle(data: ErrorData): void {
      if (!data.fatal) return;
      if (now() - lastErrorAt > QUIET_RESET_MS) attempts.network = attempts.media = 0;
      lastErrorAt = now();
      const kind: RecoveryKind | "other" = data.type === "networkError" ? "network" : data.type === "mediaError" ? "media" : "other";
      if (kind === "other" || attempts[kind] >= deps.max) return deps.onGiveUp(kind, data);
      const attempt = attempts[kind]++;
      pending = kind;
      deps.onAttempt(kind, data);
      if (kind === "network") {
        deps.setTimer(() => hls.startLoad(), backoffDelay(attempt, 500, 8000));
      } else {
        // The second media error in a row is often an audio codec the manifest mislabelled.
        if (attempt === 1) hls.swapAudioCodec();
        hls.recoverMediaError();
      }
    },
  };
}
