// Pure: the ffmpeg arguments for one run of an on-demand session's encoder, starting at segment
// `startSegment` (input seek to its start time, -copyts so timestamps stay on the source's timeline,
// -start_number so file names are segment indices) and stopping before `endSegment` when given
// (the next segment that already exists: a restart never re-encodes finished work).
// Keyframes are forced on the segment grid relative to the seek point, which is itself on the grid,
// so segment N of any run starts at N × segmentSeconds: restarts line up with an uninterrupted run,
// and every run's segments play with the first run's init segment.
import { ffmpegSegmentPattern, INIT_SEGMENT } from "@edgestream/contracts";
import { inputArgs } from "../input-policy.ts";
import { encoderArgs, hwInputArgs, scaleFilter, uploadFilters, type Backend, type HwDeviceOptions } from "../hw-backends.ts";

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
  backend?: Backend;
  device?: HwDeviceOptions;
}

export function buildSessionArgs(e: SessionEncode): string[] {
  const backend = e.backend ?? "software";
  const start = e.startSegment * e.segmentSeconds;
  const gop = Math.round(e.fps * e.segmentSeconds);
  const filters = [...uploadFilters(backend, false), scaleFilter(backend, e.width, e.height)];
  if (backend === "software") filters.unshift(`fps=${e.fps}`);
  const args = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1", ...hwInputArgs(backend, false, e.device)];
  if (start > 0) args.push("-ss", String(start));
  args.push(...inputArgs(e.inputFormat), "-i", e.input, "-copyts", "-avoid_negative_ts", "disabled");
  if (e.endSegment !== undefined) args.push("-t", String((e.endSegment - e.startSegment) * e.segmentSeconds));
  args.push("-map", "0:v:0");
  if (e.hasAudio) args.push("-map", "0:a:0");
  args.push("-vf", filters.join(","), ...encoderArgs(backend, 0, e.maxBitrateKbps, e.segmentSeconds, gop));
  if (e.hasAudio) args.push("-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000");
  args.push(
    "-f", "hls",
    "-hls_time", String(e.segmentSeconds),
    "-hls_playlist_type", "event",
    "-hls_segment_type", "fmp4",
    "-hls_fmp4_init_filename", INIT_SEGMENT,
    "-hls_flags", "independent_segments+temp_file",
    // Absolute decode times in every fragment (tfdt): without it the mp4 muxer restarts them at 0 and
    // hides the offset in an edit list that players ignore, so a restarted run would jump back in time.
    "-hls_segment_options", "movflags=+frag_discont",
    "-start_number", String(e.startSegment),
    "-hls_segment_filename", `${e.outDir}/${ffmpegSegmentPattern()}`,
    `${e.outDir}/${SESSION_PLAYLIST}`,
  );
  return args;
}
