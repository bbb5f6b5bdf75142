// What ffmpeg and ffprobe may open for a source: strangers' bytes go through an allow-list of real,
// single-file media demuxers and the local file protocol only, so a playlist or manifest naming other
// files (hls, dash, concat, sdp, …) is refused instead of followed. The one definition every input uses.
import { MediaInputError } from "./errors.ts";

/**
 * Demuxers for real media in one file (names as `ffmpeg -demuxers` and ffprobe's `format_name` spell
 * them; ffmpeg matches each comma-separated part). None of them opens another URL.
 */
export const MEDIA_DEMUXERS: readonly string[] = [
  "mov", "mp4", "m4a", "3gp", "3g2", "mj2",
  "matroska", "webm",
  "avi", "mpegts", "mpeg", "flv", "asf", "ogg",
  // Broadcast and editing exchange files (DNxHD/XDCAM/AVC-Intra + PCM); reads only the essence in the file.
  "mxf",
  "wav", "w64", "aiff", "caf", "mp3", "aac", "ac3", "eac3", "flac",
];

/** Demuxers that read other files or URLs named inside the input: a playlist, not a video. */
export const PLAYLIST_DEMUXERS: readonly string[] = ["hls", "dash", "webm_dash_manifest", "concat", "imf", "sdp", "rtsp", "rtp", "image2", "image2pipe"];

/** The one protocol an untrusted input may use: the local file it names. */
export const INPUT_PROTOCOLS: readonly string[] = ["file"];

export const PLAYLIST_MESSAGE = "this file is a playlist, not a video: upload the media itself";

export type InputRefusal = "playlist_input" | "unsupported_format";

/** A source refused for its format, before anything it names is opened. The message is safe to show anyone. */
export class InputRefusedError extends MediaInputError {
  constructor(
    readonly code: InputRefusal,
    message: string,
  ) {
    super(message);
    this.name = "InputRefusedError";
  }
}

export function refusalFor(demuxer: string): InputRefusedError {
  if (demuxer.split(",").some((name) => PLAYLIST_DEMUXERS.includes(name))) return new InputRefusedError("playlist_input", PLAYLIST_MESSAGE);
  return new InputRefusedError(
    "unsupported_format",
    `this file's format (${demuxer}) is not a video format we accept: upload MP4, MOV, MXF, MKV, WebM, AVI, MPEG-TS, FLV, Ogg or a common audio file`,
  );
}

/** The demuxer to name with `-f` for a probed `format_name` ("mov,mp4,m4a,3gp,3g2,mj2" → "mov"); refuses anything off the list. */
export function demuxerFor(formatName: string, trusted = false): string {
  const demuxer = formatName.split(",")[0] ?? "";
  if (!trusted && !formatName.split(",").some((name) => MEDIA_DEMUXERS.includes(name))) throw refusalFor(formatName);
  return demuxer;
}

/**
 * Input options for one ffmpeg/ffprobe input, placed just before its `-i`: the allow-lists, and the
 * probed demuxer when known so nothing detects the format again. `trusted` (the operator's CLI flag
 * for their own playlists) drops the allow-lists; `protocols` widens them for our own output read
 * through the concat protocol.
 */
export function inputArgs(format?: string, options: { trusted?: boolean; protocols?: readonly string[] } = {}): string[] {
  const guard = options.trusted ? [] : ["-protocol_whitelist", (options.protocols ?? INPUT_PROTOCOLS).join(","), "-format_whitelist", MEDIA_DEMUXERS.join(",")];
  return [...guard, ...(format ? ["-f", format] : [])];
}

/** The demuxer ffmpeg named when it refused an input for the allow-list ("[hls @ 0x…] Format not on whitelist"). */
export function refusedDemuxer(stderr: string): string | undefined {
  return /\[([^\s@\]]+) @ [^\]]*\] Format not on whitelist/.exec(stderr)?.[1];
}
