// Which track a remembered choice means in this video: by language and name, never by index (indexes
// differ from one package to the next), falling back to the package's default.
import type { AudioTrackInfo, SubtitleTrackInfo } from "./track-info.ts";

/** A track as a viewer chose it: what carries over to other videos. */
export interface TrackPick {
  language: string;
  name: string;
}

export interface TrackChoice {
  audio?: TrackPick;
  /** A subtitle track, or "off" when the viewer turned them off. */
  subtitles?: TrackPick | "off";
}

type Track = AudioTrackInfo | SubtitleTrackInfo;

/** "en-US" and "EN" are both English: the primary subtag, lower case. */
const primaryLanguage = (language: string) => language.toLowerCase().split("-")[0]!;

export const pickOf = (track: Track): TrackPick => ({ language: track.language, name: track.name });

/** The same language and name; else the same language (its default track first); else none. */
export function matchTrack<T extends Track>(tracks: T[], want: TrackPick): T | undefined {
  const sameLanguage = tracks.filter((t) => want.language && primaryLanguage(t.language) === primaryLanguage(want.language));
  return sameLanguage.find((t) => t.name === want.name) ?? sameLanguage.find((t) => t.default) ?? sameLanguage[0];
}

/** The audio track to play for `choice`: its match, else the default (else the first); undefined when nothing was chosen. */
export function pickAudio(tracks: AudioTrackInfo[], choice: TrackChoice): number | undefined {
  if (!choice.audio || !tracks.length) return undefined;
  return (matchTrack(tracks, choice.audio) ?? tracks.find((t) => t.default) ?? tracks[0]!).id;
}

/** The subtitle track to show for `choice` (-1: off): its match, else the default track, else off; undefined when nothing was chosen. */
export function pickSubtitle(tracks: SubtitleTrackInfo[], choice: TrackChoice): number | undefined {
  const want = choice.subtitles;
  if (!want) return undefined;
  if (want === "off") return -1;
  return (matchTrack(tracks, want) ?? tracks.find((t) => t.default))?.id ?? -1;
}
