// What the player hands its engines, and what an engine offers back: attach a URL, report its
// renditions, destroy. The player owns one engine at a time (hls.js, native HLS or progressive MP4).
import type HlsType from "hls.js";
import type { Emitter, Engine, ErrorType, QualityLevel } from "../events.ts";
import type { ResolvedOptions } from "../options.ts";
import type { StreamToken } from "../stream-token.ts";

export interface EngineContext {
  video: HTMLVideoElement;
  options: ResolvedOptions;
  token: StreamToken;
  emitter: Emitter;
  /** An error for the page (fatal ones fail the player). */
  report: (type: ErrorType, details: string, error: Error, fatal: boolean) => void;
  /** An analytics event. */
  track: (type: string, data?: Record<string, unknown>) => void;
}

export interface PlaybackEngine {
  readonly name: Engine;
  /** The hls.js instance playing (the hls.js engine only, once attached). */
  readonly hls?: HlsType | null;
  /** Starts loading `url` (at `startAt` seconds); false when this engine cannot play here after all. */
  attach(url: string, startAt: number | undefined): Promise<boolean>;
  /** Renditions to choose from (empty when the browser chooses). */
  levels(): QualityLevel[];
  quality(): number | "auto";
  setQuality(level: number | "auto"): void;
  /** Stops every request, timer and listener of this engine. */
  destroy(): void;
}
