// Pure: the ffmpeg arguments for one run of an on-demand session's encoder, starting at segment
// `startSegment` (input seek to its start time, -copyts so timestamps stay on the source's timeline,
// -start_number so file names are segment indices) and stopping before `endSegment` when given
// (the next segment that already exists: a restart never re-encodes finished work).
// Keyframes are forced on the segment grid relative to the seek point, which is itself on the grid,
// so segment N of any run starts at N × segmentSeconds: restarts line up with an uninterrupted run,
// and every run's segments play with the first run's init segment.
// Built from the pieces packaging jobs use (ffmpeg-pieces.ts): the same guarded input, the same
// pre-filters (an HDR source is tone-mapped to SDR BT.709 as in a job) and the same HLS muxer options.
import { ffmpegSegmentPattern, INIT_SEGMENT } from "@edgestream/contracts";
import { aacArgs, FFMPEG_HEADER, hlsMuxerArgs, inputSection, preFilters, type VideoPre } from "../ffmpeg-pieces.ts";
import { encoderArgs, scaleFilter, type Backend, type HwDeviceOptions } from "../hw-backends.ts";

export const SESSION_PLAYLIST = "encoder.m3u8";

export interface SessionEncode {
  input: string;
  /** The probed demuxer (input-policy.ts), so ffmpeg does not detect the format again. */
  inputFormat?: string;
  outDir: string;
  segmentSeconds: number;
  startSegment: number;
  /** Exclusive; undefined: to the end of the source. */
  endSegment?: number;
  width: number;
  height: number;
  fps: number;
  maxBitrateKbps: number;
  hasAudio: boolean;
  /** The source's default audio stream (absolute index, as the package's first audio rendition); default: the first audio stream. */
  audioStream?: number;
  backend?: Backend;
  device?: HwDeviceOptions;
  /** The plan's video pre-processing (tone mapping, a constant rate for a variable-rate source); default none. */
  video?: VideoPre;
}

export function buildSessionArgs(e: SessionEncode): string[] {
  const backend = e.backend ?? "software";
  const start = e.startSegment * e.segmentSeconds;
  const gop = Math.round(e.fps * e.segmentSeconds);
  // x264 forces keyframes by time: its frames must come at a constant rate on the grid of every run.
  const video: VideoPre = {
    toneMap: e.video?.toneMap ?? null,
    forceConstantRate: backend === "software" || (e.video?.forceConstantRate ?? false),
    frameRate: e.video?.frameRate ?? String(e.fps),
    ...(e.video?.deinterlace ? { deinterlace: true } : {}),
  };
  const filters = [...preFilters(video, backend, false), scaleFilter(backend, e.width, e.height)];
  const args = [...FFMPEG_HEADER];
  args.push(
    ...inputSection({ input: e.input, backend, fullDevice: false, ...(e.device ? { device: e.device } : {}), ...(e.inputFormat ? { format: e.inputFormat } : {}), seekSec: start }),
    "-copyts", "-avoid_negative_ts", "disabled",
  );
  if (e.endSegment !== undefined) args.push("-t", String((e.endSegment - e.startSegment) * e.segmentSeconds));
  args.push("-map", "0:v:0");
  if (e.hasAudio) args.push("-map", audioMap(e));
  args.push("-vf", filters.join(","), ...encoderArgs(backend, 0, e.maxBitrateKbps, e.segmentSeconds, gop));
  if (e.hasAudio) args.push(...aacArgs(128, 2, 48000));
  args.push(
    ...hlsMuxerArgs({ segmentSeconds: e.segmentSeconds, playlistType: "event", segmentType: "fmp4", initFilename: INIT_SEGMENT }),
    // Absolute decode times in every fragment (tfdt): without it the mp4 muxer restarts them at 0 and
    // hides the offset in an edit list that players ignore, so a restarted run would jump back in time.
    "-hls_segment_options", "movflags=+frag_discont",
    "-start_number", String(e.startSegment),
    "-hls_segment_filename", `${e.outDir}/${ffmpegSegmentPattern()}`,
    `${e.outDir}/${SESSION_PLAYLIST}`,
  );
  return args;
}

export interface SessionCopy {
  input: string;
  inputFormat?: string;
  outDir: string;
  segmentSeconds: number;
  hasAudio: boolean;
  audioStream?: number;
  /** AAC the browser plays is copied too; anything else becomes AAC stereo (cheap next to video). */
  copyAudio: boolean;
}

/**
 * A copy-mode session's one run: a browser-safe source remuxed, video copied, from the start to the
 * end in one go (no seeks: a copy cuts at the source's keyframes, so it cannot restart on our grid,
 * and it runs at disk speed anyway). Segments are cut at the first keyframe past each multiple of
 * `segmentSeconds`; the playlist ffmpeg writes holds their real durations.
 */
export function buildCopySessionArgs(e: SessionCopy): string[] {
  return [
    ...FFMPEG_HEADER,
    ...inputSection({ input: e.input, backend: "software", fullDevice: false, ...(e.inputFormat ? { format: e.inputFormat } : {}) }),
    "-map", "0:v:0", ...(e.hasAudio ? ["-map", audioMap(e)] : []),
    // AAC read from MPEG-TS is ADTS, which fMP4 cannot hold as it is (the packager converts it the same way).
    "-c:v", "copy", ...(e.hasAudio ? (e.copyAudio ? ["-c:a", "copy", ...(e.inputFormat === "mpegts" ? ["-bsf:a", "aac_adtstoasc"] : [])] : aacArgs(128, 2, 48000)) : []),
    ...hlsMuxerArgs({ segmentSeconds: e.segmentSeconds, playlistType: "vod", segmentType: "fmp4", initFilename: INIT_SEGMENT }),
    "-hls_segment_filename", `${e.outDir}/${ffmpegSegmentPattern()}`,
    `${e.outDir}/${SESSION_PLAYLIST}`,
  ];
}

/** A session carries one audio track: the default language, the package's first audio rendition. */
function audioMap(e: { audioStream?: number }): string {
  return e.audioStream === undefined ? "0:a:0" : `0:${e.audioStream}`;
}
