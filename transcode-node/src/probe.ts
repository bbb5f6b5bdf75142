// Probes a source with `ffprobe -print_format json` into a MediaInfo, with a bounded run time and
// errors that name the problem (missing, empty, not media, no playable streams).
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { MediaInputError, toolMissing } from "./errors.ts";
import type { AudioStreamInfo, MediaInfo, VideoStreamInfo } from "./media-info.ts";

export interface ProbeOptions {
  ffprobePath?: string;
  timeoutMs?: number;
}

interface RawStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
  bit_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
}

export async function probe(input: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const info = await stat(input).catch(() => null);
  if (!info) throw new MediaInputError(`input not found: ${input}`);
  if (!info.isFile()) throw new MediaInputError(`input is not a file: ${input}`);
  if (info.size === 0) throw new MediaInputError(`input is empty (0 bytes): ${input}`);

  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", input];
  const raw = await new Promise<RawProbe>((resolve, reject) => {
    execFile(
      options.ffprobePath ?? "ffprobe",
      args,
      { timeout: options.timeoutMs ?? 30_000, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(toolMissing("ffprobe"));
          if (error.killed) return reject(new MediaInputError(`probing ${input} took too long: is it a real media file?`));
          const reason = stderr.trim().split("\n").pop()?.replace(/^.*?: /, "") || "unknown error";
          return reject(new MediaInputError(`not a media file ffmpeg can read (${reason}): ${input}`));
        }
        try {
          resolve(JSON.parse(stdout) as RawProbe);
        } catch {
          reject(new MediaInputError(`ffprobe returned unreadable output for ${input}`));
        }
      },
    );
  });
  return toMediaInfo(raw, info.size, input);
}

/** Pure: raw ffprobe JSON → MediaInfo. Exported for unit tests. */
export function toMediaInfo(raw: RawProbe, sizeBytes: number, input = "input"): MediaInfo {
  const streams = raw.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === "audio");
  if (!video && !audio) throw new MediaInputError(`no audio or video stream found in ${input}`);
  const durationSec = Number(raw.format?.duration ?? NaN);
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw new MediaInputError(`cannot tell the duration of ${input}: the file may be truncated`);
  }
  const result: MediaInfo = { formatName: raw.format?.format_name ?? "unknown", durationSec, sizeBytes };
  const bitRate = optionalNumber(raw.format?.bit_rate);
  if (bitRate) result.bitRate = bitRate;
  if (video) result.video = toVideo(video);
  if (audio) result.audio = toAudio(audio);
  return result;
}

function toVideo(s: RawStream): VideoStreamInfo {
  const v: VideoStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? "unknown",
    bitDepth: bitDepthOf(s),
    width: s.width ?? 0,
    height: s.height ?? 0,
    frameRate: parseRate(s.avg_frame_rate) || parseRate(s.r_frame_rate),
    rotation: rotationOf(s),
  };
  if (s.profile) v.profile = s.profile;
  if (s.pix_fmt) v.pixFmt = s.pix_fmt;
  const bitRate = optionalNumber(s.bit_rate);
  if (bitRate) v.bitRate = bitRate;
  return v;
}

function toAudio(s: RawStream): AudioStreamInfo {
  const a: AudioStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? "unknown",
    channels: s.channels ?? 0,
    sampleRate: Number(s.sample_rate ?? 0),
  };
  if (s.profile) a.profile = s.profile;
  const bitRate = optionalNumber(s.bit_rate);
  if (bitRate) a.bitRate = bitRate;
  return a;
}

function bitDepthOf(s: RawStream): number {
  const raw = Number(s.bits_per_raw_sample);
  if (raw > 0) return raw;
  const match = /p(\d+)(le|be)$/.exec(s.pix_fmt ?? "");
  return match ? Number(match[1]) : 8;
}

function rotationOf(s: RawStream): number {
  const fromMatrix = s.side_data_list?.find((d) => d.side_data_type === "Display Matrix")?.rotation;
  const degrees = fromMatrix !== undefined ? -fromMatrix : Number(s.tags?.rotate ?? 0);
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

function parseRate(rate: string | undefined): number {
  const [num, den] = (rate ?? "0/0").split("/").map(Number);
  return num && den ? num / den : 0;
}

function optionalNumber(text: string | undefined): number | undefined {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
