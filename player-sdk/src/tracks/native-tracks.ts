// Tracks the browser plays itself (Safari's native HLS, or the MP4 fallback): the element's
// `audioTracks` (Safari has it; Chromium and Firefox only behind a flag, so there the list is empty)
// and its subtitle and caption `textTracks`. Native lists carry no default or forced flag: the track
// the browser enabled first counts as the default.
import type { TrackRole } from "@edgestream/contracts/track-role";
import type { AudioTrackInfo, SubtitleTrackInfo, TrackChange, TrackSource } from "./track-info.ts";

/** The parts of AudioTrack and AudioTrackList the player uses (TypeScript's DOM lib has neither). */
interface NativeAudioTrack {
  kind: string;
  label: string;
  language: string;
  enabled: boolean;
}
type NativeAudioTracks = EventTarget & ArrayLike<NativeAudioTrack>;

const AUDIO_ROLES: Record<string, TrackRole> = { commentary: "commentary", description: "description", "main-desc": "description" };
const TEXT_KINDS = ["subtitles", "captions"];

export function nativeTracks(video: HTMLVideoElement, changed: (change: TrackChange) => void): TrackSource {
  const audioList = (video as { audioTracks?: NativeAudioTracks }).audioTracks;
  const audio = () => Array.from(audioList ?? []);
  const text = () => Array.from(video.textTracks).filter((t) => TEXT_KINDS.includes(t.kind));
  // The lists may fill after the source is made (Safari adds tracks as it reads the master).
  let first: NativeAudioTrack | undefined;
  const initial = () => (first ??= audio().find((t) => t.enabled));
  const undo: (() => void)[] = [];
  const listen = (target: EventTarget | undefined, change: TrackChange) => {
    for (const type of ["addtrack", "removetrack", "change"]) {
      const handler = () => changed(type === "change" ? "selection" : change);
      target?.addEventListener(type, handler);
      undo.push(() => target?.removeEventListener(type, handler));
    }
  };
  listen(audioList, "audio");
  listen(video.textTracks, "subtitles");
  return {
    audio: (): AudioTrackInfo[] =>
      audio().map((t, id) => ({ id, language: t.language, name: t.label || t.language, default: t === initial(), role: AUDIO_ROLES[t.kind] ?? "main", channels: undefined })),
    subtitles: (): SubtitleTrackInfo[] =>
      text().map((t, id) => ({ id, language: t.language, name: t.label || t.language, default: false, forced: false, role: t.kind === "captions" ? "hearing-impaired" : "main" })),
    audioTrack: () => audio().findIndex((t) => t.enabled),
    subtitleTrack: () => text().findIndex((t) => t.mode === "showing"),
    selectAudio(id) {
      // Enable the chosen one first: an element with no audio track enabled for a moment would go silent and may stall.
      const tracks = audio();
      if (!tracks[id]) return;
      tracks[id].enabled = true;
      tracks.forEach((t, i) => i !== id && (t.enabled = false));
    },
    selectSubtitle(id) {
      text().forEach((t, i) => (t.mode = i === id ? "showing" : "disabled"));
    },
    destroy() {
      for (const off of undo) off();
    },
  };
}
