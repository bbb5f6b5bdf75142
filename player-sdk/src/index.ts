// Public surface of @edgestream/player-sdk. hls.js is imported lazily by the player, never from here.
export { createPlayer, canUseMse, type Player } from "./player.ts";
export { PlayerEvent, type PlayerEventMap, type PlayerStatus, type PlayerErrorData, type ErrorType } from "./events.ts";
export type { PlayerOptions } from "./options.ts";
export { fetchStreamInfo, StreamRequestError, type StreamInfo } from "./stream-api.ts";
