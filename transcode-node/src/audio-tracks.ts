// Pure: every source audio stream → the package's audio renditions, default first. Stereo AAC is
// copied; anything else becomes AAC stereo; a surround stream also gives a 5.1 AAC rendition (copied
// when it already is AAC 5.1). Output order defines the folder names (audioRenditionName).
import { audioRenditionName, type TrackRole } from "@edgestream/contracts";
import type { AudioStreamInfo } from "./media-info.ts";
import type { AudioPlan } from "./plan.ts";
import { languageTag, trackName, uniqueNames } from "./track-names.ts";

export interface AudioTrackPlan {
  /** Folder, playlist and var_stream_map name: `audio`, `audio_1`… */
  name: string;
  /** The source stream's absolute index (`-map 0:<index>`). */
  sourceIndex: number;
  encode: AudioPlan;
  /** BCP 47 ("en"); absent when the source named none. */
  language?: string;
  /** The NAME players show. */
  title: string;
  /** The first rendition (the source's default stream, else its first). */
  default: boolean;
  role?: TrackRole;
}

const SAFE_AAC_PROFILES: Record<string, string> = { LC: "mp4a.40.2", "HE-AAC": "mp4a.40.5", "HE-AACv2": "mp4a.40.29" };
const SURROUND_KBPS = 384;

/** The stereo rendition of a stream: copied when it is browser-safe AAC up to stereo. */
export function planStereo(a: AudioStreamInfo): AudioPlan {
  const codecs = a.codec === "aac" ? SAFE_AAC_PROFILES[a.profile ?? "LC"] : undefined;
  if (codecs && a.channels > 0 && a.channels <= 2) return { mode: "copy", codecs, channels: a.channels };
  const reason =
    a.codec !== "aac"
      ? `${a.codec} audio is not playable in every browser`
      : a.channels > 2
        ? `${a.channels}-channel AAC is downmixed to stereo`
        : `AAC ${a.profile ?? "unknown"} profile is not browser-safe`;
  return { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason };
}

/** The 5.1 rendition of a surround stream: copied when it is AAC-LC 5.1 already. */
function planSurround(a: AudioStreamInfo): AudioPlan {
  if (a.codec === "aac" && (a.profile ?? "LC") === "LC" && a.channels === 6) return { mode: "copy", codecs: "mp4a.40.2", channels: 6 };
  return { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: SURROUND_KBPS, channels: 6, sampleRate: 48000, reason: `${a.channels}-channel ${a.codec} is encoded as AAC 5.1` };
}

function roleOf(a: AudioStreamInfo): TrackRole | undefined {
  if (a.dispositions?.visualImpaired) return "description";
  if (a.dispositions?.comment) return "commentary";
  return undefined;
}

/** Source audio streams one package takes: each is an encode, a folder and an EXT-X-MEDIA line (two when surround). */
export const MAX_AUDIO_STREAMS = 16;

/** The first MAX_AUDIO_STREAMS of `streams` (default first, as probed) and a warning for each one left out. */
export function limitAudioStreams(streams: readonly AudioStreamInfo[]): { kept: AudioStreamInfo[]; skipped: string[] } {
  const skipped = streams
    .slice(MAX_AUDIO_STREAMS)
    .map((a) => `skipped: audio in stream ${a.index} (language ${languageTag(a.language) ?? "und"}, codec ${a.codec}): a package carries at most ${MAX_AUDIO_STREAMS} audio streams`);
  return { kept: streams.slice(0, MAX_AUDIO_STREAMS), skipped };
}

/** `streams` default first, as the probe lists them. */
export function planAudioTracks(streams: readonly AudioStreamInfo[]): AudioTrackPlan[] {
  const drafts: Omit<AudioTrackPlan, "name" | "default">[] = [];
  for (const a of streams) {
    const language = languageTag(a.language);
    const role = roleOf(a);
    const common = { sourceIndex: a.index, ...(language ? { language } : {}), ...(role ? { role } : {}) };
    const label = { ...(a.title ? { title: a.title } : {}), ...(language ? { language } : {}), ...(role ? { role } : {}) };
    const surround = a.channels > 2;
    drafts.push({ ...common, encode: planStereo(a), title: trackName({ ...label, ...(surround && !a.title ? { detail: " (stereo)" } : {}) }, fallbackName(streams.length, drafts.length)) });
    if (surround) drafts.push({ ...common, encode: planSurround(a), title: trackName({ ...label, detail: " (5.1)" }, fallbackName(streams.length, drafts.length)) });
  }
  const titles = uniqueNames(drafts.map((d) => d.title));
  return drafts.map((d, i) => ({ ...d, name: audioRenditionName(i), title: titles[i]!, default: i === 0 }));
}

/** A lone unnamed track keeps the name packages always had ("default"); several are numbered. */
function fallbackName(streamCount: number, position: number): string {
  return streamCount === 1 && position === 0 ? "default" : `Audio ${position + 1}`;
}

/** A plan's audio renditions; a hand-made plan with only `audio` means one track, the file's first audio stream. */
export function audioTracksOf(plan: { audio: AudioPlan | null; audioTracks?: AudioTrackPlan[] }): (Omit<AudioTrackPlan, "sourceIndex"> & { sourceIndex?: number })[] {
  if (plan.audioTracks) return plan.audioTracks;
  return plan.audio ? [{ name: audioRenditionName(0), encode: plan.audio, title: "default", default: true }] : [];
}
