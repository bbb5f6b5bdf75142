// The master playlist, written by us: ffmpeg 5.1's lacks CODECS for copied streams and guesses
// BANDWIDTH. Every figure here comes from the packaged output as ffmpeg reported it (its media
// playlists' durations, segment sizes, the init segment's avcC box) and from the plan it carried out.
import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { AUDIO_RENDITION, HLS_CHARACTERISTICS, MEDIA_PLAYLIST, SUBTITLE_GROUP, type TrackRole } from "@edgestream/contracts";
import { audioTracksOf } from "./audio-tracks.ts";
import { readMediaPlaylist } from "./media-playlist.ts";
import type { MediaInfo } from "./media-info.ts";
import type { PackagePlan } from "./plan.ts";

const run = promisify(execFile);

export interface MeasuredRendition {
  name: string;
  kind: "video" | "audio" | "subtitle";
  playlist: string;
  /** Peak and average bits per second over the segments. */
  peakBps: number;
  averageBps: number;
  segments: number;
  durationSec: number;
  codecs: string;
  width?: number;
  height?: number;
  frameRate?: number;
  channels?: number;
  /** Audio and subtitle renditions: BCP 47 language ("und" when the source named none), NAME and flags. */
  language?: string;
  title?: string;
  default?: boolean;
  forced?: boolean;
  role?: TrackRole;
}

/**
 * One rendition's facts from what ffmpeg reported and what we asked of it, without reading media
 * back: durations from the media playlist ffmpeg wrote, sizes from `stat`, the codec string from the
 * init segment's avcC box, picture size, rate and channels from the plan (a copied rung keeps the
 * source's size; a scaled one gets exactly the size it was scaled to). Only an MPEG-TS rendition that
 * was encoded (no init segment, a level x264 chose) is probed.
 */
export async function measureRendition(dir: string, name: string, kind: "video" | "audio", plan: PackagePlan, source?: MediaInfo): Promise<MeasuredRendition> {
  const folder = join(dir, name);
  const { init, segments: entries } = await readMediaPlaylist(folder);
  if (entries.length === 0) throw new Error(`rendition ${name} has no segments`);
  const sizes = await Promise.all(entries.map((e) => stat(join(folder, e.uri)).then((s) => s.size)));
  const durationSec = entries.reduce((sum, e) => sum + e.duration, 0);
  const totalBits = sizes.reduce((sum, s) => sum + s * 8, 0);
  // Peak over full-length segments: a 0.1 s tail holding one keyframe would otherwise claim a
  // bitrate no real segment reaches and push players to lower rungs than they need.
  const rates = entries.map((e, i) => ({ full: e.duration >= plan.segmentSeconds / 2, bps: (sizes[i]! * 8) / Math.max(e.duration, 0.001) }));
  const considered = rates.some((r) => r.full) ? rates.filter((r) => r.full) : rates;
  const averageBps = Math.ceil(totalBits / Math.max(durationSec, 0.001));
  const measured: MeasuredRendition = {
    name,
    kind,
    playlist: `${name}/${MEDIA_PLAYLIST}`,
    peakBps: Math.max(averageBps, Math.ceil(Math.max(...considered.map((r) => r.bps)))),
    averageBps,
    segments: entries.length,
    durationSec,
    codecs: "",
  };
  if (kind === "audio") {
    const track = audioTracksOf(plan).find((t) => t.name === name);
    if (!track) throw new Error(`rendition ${name}: the plan has no such audio`);
    measured.codecs = track.encode.codecs;
    measured.channels = track.encode.channels;
    return plan.audioTracks ? { ...measured, language: track.language ?? "und", title: track.title, default: track.default, ...(track.role ? { role: track.role } : {}) } : measured;
  }
  const rung = plan.video?.renditions.find((r) => r.name === name);
  if (!plan.video || !rung) throw new Error(`rendition ${name} is not in the plan`);
  measured.width = rung.width;
  measured.height = rung.height;
  measured.frameRate = plan.video.fps;
  const fromInit = init ? avcCodecFromInit(await readFile(join(folder, init))) : undefined;
  measured.codecs = fromInit ?? (rung.mode === "copy" ? avcCodecFromProbe(source?.video?.profile, source?.video?.level) : await probedAvcCodec(join(folder, entries[0]!.uri)));
  return measured;
}

/** The codec string of an encoded MPEG-TS segment: ffprobe's profile and level (TS has no avcC box). */
async function probedAvcCodec(segment: string): Promise<string> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-print_format", "json", "-show_streams", segment]);
  const v = (JSON.parse(stdout) as { streams: ProbedStream[] }).streams[0];
  if (!v) throw new Error(`${segment} has no video stream`);
  return avcCodecFromProbe(v.profile, v.level);
}

interface ProbedStream {
  profile?: string;
  level?: number;
}

/** `avc1.PPCCLL` straight from the avcC box: profile, constraint flags and level as encoded. */
export function avcCodecFromInit(init: Uint8Array): string | undefined {
  const at = Buffer.from(init).indexOf("avcC");
  if (at < 0 || at + 8 > init.length) return undefined;
  const hex = (n: number) => n.toString(16).padStart(2, "0").toUpperCase();
  return `avc1.${hex(init[at + 5]!)}${hex(init[at + 6]!)}${hex(init[at + 7]!)}`;
}

const PROFILE_IDC: Record<string, string> = {
  "Constrained Baseline": "42E0",
  Baseline: "4200",
  Main: "4D40",
  Extended: "5800",
  High: "6400",
};

/** For MPEG-TS, where there is no avcC box: ffprobe's profile name and level. */
export function avcCodecFromProbe(profile: string | undefined, level: number | undefined): string {
  const idc = PROFILE_IDC[profile ?? "High"] ?? "6400";
  return `avc1.${idc}${(level && level > 0 ? level : 40).toString(16).padStart(2, "0").toUpperCase()}`;
}

/** Pure: measured renditions → master playlist text. Video rungs in ladder order, audio and subtitles as groups. */
export function buildMasterPlaylist(renditions: readonly MeasuredRendition[], segmentType: "fmp4" | "ts"): string {
  const videos = renditions.filter((r) => r.kind === "video");
  const audios = renditions.filter((r) => r.kind === "audio");
  const subtitles = renditions.filter((r) => r.kind === "subtitle");
  const lines = ["#EXTM3U", `#EXT-X-VERSION:${segmentType === "fmp4" ? 7 : 4}`, "#EXT-X-INDEPENDENT-SEGMENTS"];
  const audio = audios[0];
  if (videos.length === 0 && audio && audios.length === 1 && subtitles.length === 0) {
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${audio.peakBps},AVERAGE-BANDWIDTH=${audio.averageBps},CODECS="${audio.codecs}"`, audio.playlist);
    return `${lines.join("\n")}\n`;
  }
  lines.push(...audios.map(audioMediaLine), ...subtitles.map(subtitleMediaLine));
  // A variant may play any audio rendition: it is announced with the largest one and every codec.
  const audioPeak = Math.max(0, ...audios.map((a) => a.peakBps));
  const audioAverage = Math.max(0, ...audios.map((a) => a.averageBps));
  const audioCodecs = [...new Set(audios.map((a) => a.codecs))];
  const groups = [...(audio ? [`AUDIO="${AUDIO_RENDITION}"`] : []), ...(subtitles.length > 0 ? [`SUBTITLES="${SUBTITLE_GROUP}"`] : [])];
  if (videos.length === 0 && audio) {
    // Audio only, several languages: one variant, the default rendition, with the group to switch in.
    lines.push(`#EXT-X-STREAM-INF:${[`BANDWIDTH=${audioPeak}`, `AVERAGE-BANDWIDTH=${audioAverage}`, `CODECS="${audioCodecs.join(",")}"`, ...groups].join(",")}`, audio.playlist);
    return `${lines.join("\n")}\n`;
  }
  for (const v of videos) {
    const attrs = [
      `BANDWIDTH=${v.peakBps + audioPeak}`,
      `AVERAGE-BANDWIDTH=${v.averageBps + audioAverage}`,
      `CODECS="${[v.codecs, ...audioCodecs].join(",")}"`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
      ...groups,
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(",")}`, v.playlist);
  }
  return `${lines.join("\n")}\n`;
}

/** LANGUAGE only when the source named one: a lone unnamed track keeps the line packages always had. */
function trackAttrs(r: MeasuredRendition): string[] {
  const language = r.language && r.language !== "und" ? [`LANGUAGE="${r.language}"`] : [];
  // Commentary and descriptions are chosen by the viewer, never picked for them by language.
  const autoselect = r.role === "commentary" || r.role === "description" ? "NO" : "YES";
  return [...language, `NAME="${quoted(r.title ?? "default")}"`, `DEFAULT=${r.default === false ? "NO" : "YES"}`, `AUTOSELECT=${autoselect}`];
}

function characteristicsOf(r: MeasuredRendition): string[] {
  // The one table players read the role back from (contracts' track-role): commentary included.
  const value = r.role && r.role !== "main" ? HLS_CHARACTERISTICS[r.role] : undefined;
  return value ? [`CHARACTERISTICS="${value}"`] : [];
}

function audioMediaLine(r: MeasuredRendition): string {
  return `#EXT-X-MEDIA:${["TYPE=AUDIO", `GROUP-ID="${AUDIO_RENDITION}"`, ...trackAttrs(r), `CHANNELS="${r.channels ?? 2}"`, ...characteristicsOf(r), `URI="${r.playlist}"`].join(",")}`;
}

function subtitleMediaLine(r: MeasuredRendition): string {
  return `#EXT-X-MEDIA:${["TYPE=SUBTITLES", `GROUP-ID="${SUBTITLE_GROUP}"`, ...trackAttrs(r), `FORCED=${r.forced ? "YES" : "NO"}`, ...characteristicsOf(r), `URI="${r.playlist}"`].join(",")}`;
}

/** A quoted-string attribute may not hold a double quote or a line break (RFC 8216 4.2). */
function quoted(text: string): string {
  return text.replace(/["\r\n]/g, "'");
}
