// `import { createTracks } from "@edgestream/player-sdk/tracks"`: list and choose a video's audio and
// subtitle tracks, the viewer's choice remembered for their next videos. A separate entry with its
// own size budget: a page without a track menu never loads it.
export { createTracks, type Tracks, type TracksOptions, type TracksEventMap } from "./tracks.ts";
export type { AudioTrackInfo, SubtitleTrackInfo } from "./track-info.ts";
export type { TrackChoice, TrackPick } from "./track-choice.ts";
export type { TrackRole } from "@edgestream/contracts/track-role";
