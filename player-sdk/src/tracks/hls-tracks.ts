// Tracks through hls.js: its audio and subtitle lists (the master playlist's EXT-X-MEDIA lines), the
// one it plays, and its events. hls.js is the page's (a peer): its Events come from the instance's class.
import { roleOfCharacteristics } from "@edgestream/contracts/track-role";
import type HlsType from "hls.js";
import type { MediaPlaylist } from "hls.js";
import type { HlsConstructor } from "../options.ts";
import type { AudioTrackInfo, SubtitleTrackInfo, TrackChange, TrackSource } from "./track-info.ts";

const common = (t: MediaPlaylist, id: number) => ({ id, language: t.lang ?? "", name: t.name, default: t.default, role: roleOfCharacteristics(t.characteristics) });

export function hlsTracks(hls: HlsType, changed: (change: TrackChange) => void): TrackSource {
  const E = (hls.constructor as HlsConstructor).Events;
  let live = true;
  const handlers: [string, () => void][] = [
    [E.AUDIO_TRACKS_UPDATED, () => changed("audio")],
    // hls.js selects its own initial subtitle track right after announcing the list, over a choice
    // made while it announces: report the list once it has.
    [E.SUBTITLE_TRACKS_UPDATED, () => queueMicrotask(() => live && changed("subtitles"))],
    [E.AUDIO_TRACK_SWITCHED, () => changed("selection")],
    [E.SUBTITLE_TRACK_SWITCH, () => changed("selection")],
  ];
  for (const [event, handler] of handlers) hls.on(event as typeof E.AUDIO_TRACKS_UPDATED, handler);
  return {
    audio: (): AudioTrackInfo[] => hls.audioTracks.map((t, id) => ({ ...common(t, id), channels: Number.parseInt(t.channels ?? "", 10) || undefined })),
    subtitles: (): SubtitleTrackInfo[] => hls.subtitleTracks.map((t, id) => ({ ...common(t, id), forced: t.forced })),
    audioTrack: () => hls.audioTrack,
    subtitleTrack: () => hls.subtitleTrack,
    selectAudio(id) {
      hls.audioTrack = id;
    },
    selectSubtitle(id) {
      hls.subtitleDisplay = true;
      hls.subtitleTrack = id;
    },
    destroy() {
      live = false;
      for (const [event, handler] of handlers) hls.off(event as typeof E.AUDIO_TRACKS_UPDATED, handler);
    },
  };
}
