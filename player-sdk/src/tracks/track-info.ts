// What the player says about an audio or subtitle track, the same whoever plays it (hls.js, or the
// browser's own HLS), and what a track source offers the track controller.
import type { TrackRole } from "@edgestream/contracts/track-role";

export interface AudioTrackInfo {
  /** Pass to `setAudioTrack`; valid until the list changes. */
  id: number;
  /** The language (`LANGUAGE`, e.g. "en", "eng"), "" when the package names none. */
  language: string;
  /** The name to show (`NAME`). */
  name: string;
  default: boolean;
  role: TrackRole;
  /** 2 for stereo, 6 for 5.1; undefined when unknown. */
  channels: number | undefined;
}

export interface SubtitleTrackInfo {
  id: number;
  language: string;
  name: string;
  default: boolean;
  /** Forced narrative: meant to show even when the viewer turned subtitles off. */
  forced: boolean;
  role: TrackRole;
}

/** What changed in a source: an audio or subtitle list (a new package), or only which track is on. */
export type TrackChange = "audio" | "subtitles" | "selection";

/** One way of reaching a video's tracks: hls.js's lists, or the element's `audioTracks`/`textTracks`. */
export interface TrackSource {
  audio(): AudioTrackInfo[];
  subtitles(): SubtitleTrackInfo[];
  /** The audio track playing, -1 when none is known. */
  audioTrack(): number;
  /** The subtitle track showing, -1 when off. */
  subtitleTrack(): number;
  selectAudio(id: number): void;
  /** -1 turns subtitles off. */
  selectSubtitle(id: number): void;
  destroy(): void;
}
