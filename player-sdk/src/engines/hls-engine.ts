// hls.js over Media Source Extensions: imported only now, only on this path. Owns the hls.js
// instance, its error recovery and the prefetch limits; a recovery that runs out is handed to the
// player, which falls back to another engine or fails.
import type HlsType from "hls.js";
import type { ErrorData, LevelLoadedData, LevelSwitchedData } from "hls.js";
import { PlayerEvent, type QualityLevel } from "../events.ts";
import { buildHlsConfig } from "../hls-config.ts";
import { createRecovery, type RecoveryKind } from "../recovery.ts";
import { Scope } from "../scope.ts";
import type { EngineContext, PlaybackEngine } from "./engine.ts";
import { Prefetch } from "./prefetch.ts";

const PROBE_MSE_TYPE = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';

/** Cheap check before importing hls.js: MSE (or ManagedMediaSource) that takes H.264/AAC. */
export function canUseMse(): boolean {
  const ms = (globalThis as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource ?? globalThis.MediaSource;
  return typeof ms?.isTypeSupported === "function" && ms.isTypeSupported(PROBE_MSE_TYPE);
}

export interface HlsEngineContext extends EngineContext {
  /** Recovery ran out (or the error cannot be recovered): the player decides what comes next. */
  onGiveUp: (kind: RecoveryKind | "other", data: ErrorData) => void;
  /** hls.js switched rendition after the first choice. */
  onBitrateSwitch: () => void;
}

export class HlsEngine implements PlaybackEngine {
  readonly name = "hls.js";
  private readonly scope = new Scope();
  hls: HlsType | null = null;
  private prefetch: Prefetch | null = null;

  constructor(private readonly c: HlsEngineContext) {}

  async attach(manifestUrl: string, startAt: number | undefined): Promise<boolean> {
    const { c, scope } = this;
    const o = c.options;
    const Hls = await o.loadHls();
    if (scope.destroyed || !Hls.isSupported()) return false;
    const hls = (this.hls = new Hls(buildHlsConfig(Hls, o, c.token, () => void c.token.refresh("rejected"), startAt)));
    const prefetch = (this.prefetch = new Prefetch(c.video, o, hls.config));
    const recovery = createRecovery(hls, {
      max: o.maxRecoveries,
      setTimer: (fn, ms) => scope.setTimer(fn, ms),
      onAttempt: (kind, data) => c.report(kind, data.details, data.error ?? new Error(data.details), false),
      onGiveUp: c.onGiveUp,
    });
    const E = Hls.Events;
    hls.on(E.ERROR, (_e, data: ErrorData) => recovery.handle(data));
    hls.on(E.LEVEL_LOADED, (_e, data: LevelLoadedData) => prefetch.segmentLoaded(data.details.targetduration));
    hls.on(E.FRAG_BUFFERED, () => {
      const kind = recovery.succeeded();
      if (kind) c.emitter.emit(PlayerEvent.Recovered, { from: kind });
    });
    let switches = 0;
    hls.on(E.LEVEL_SWITCHED, (_e, data: LevelSwitchedData) => {
      const level = this.levels()[data.level] ?? null;
      if (switches++) c.onBitrateSwitch();
      c.track("quality", { height: level?.height, bitrate: level?.bitrate });
      c.emitter.emit(PlayerEvent.QualityChange, { level, auto: hls.autoLevelEnabled });
    });
    hls.loadSource(manifestUrl);
    hls.attachMedia(c.video);
    return true;
  }

  levels(): QualityLevel[] {
    return (this.hls?.levels ?? []).map((l, index) => ({ index, height: l.height, width: l.width, bitrate: l.bitrate }));
  }

  quality(): number | "auto" {
    const { hls } = this;
    return !hls || hls.autoLevelEnabled ? "auto" : hls.nextLoadLevel;
  }

  setQuality(level: number | "auto"): void {
    if (!this.hls) return;
    // A rung the viewer picks shows at once (the buffer ahead is replaced); back to auto, ABR takes over from the next segment.
    if (level === "auto") this.hls.nextLevel = -1;
    else this.hls.currentLevel = level;
  }

  destroy(): void {
    this.scope.destroy();
    this.prefetch?.destroy();
    this.hls?.destroy();
    this.hls = this.prefetch = null;
  }
}
