// Public surface of @edgestream/player-sdk. hls.js is imported lazily by the player, never from here.
export { createPlayer, type Player } from "./player.ts";
export { canUseMse } from "./engines/hls-engine.ts";
export {
  PlayerEvent,
  type PlayerEventMap,
  type PlayerStatus,
  type PlayerErrorData,
  type ErrorType,
  type Engine,
  type QualityLevel,
} from "./events.ts";
export { BUFFER_PRESETS, type PlayerOptions, type BufferPreset, type BufferSettings, type PrefetchSettings, type HlsConstructor } from "./options.ts";
export type { QoeMetrics, AnalyticsEvent } from "./qoe.ts";
export { fetchStreamInfo, StreamRequestError, type StreamInfo } from "./stream-api.ts";
