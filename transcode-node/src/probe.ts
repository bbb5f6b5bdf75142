// Probes a source with `ffprobe -print_format json` into a MediaInfo, with a bounded run time and
// errors that name the problem (missing, empty, not media, no playable streams).
import { execFile } from "node:child_process";
import { MediaInputError, redactPaths, toolMissing } from "./errors.ts";
import { demuxerFor, inputArgs, refusalFor, refusedDemuxer } from "./input-policy.ts";
import type { AudioStreamInfo, MediaInfo, SubtitleStreamInfo, VideoStreamInfo } from "./media-info.ts";
import { openRegularFile, regularFileSize } from "./source-file.ts";

export interface ProbeOptions {
  ffprobePath?: string;
  timeoutMs?: number;
  /** The operator's own input (the CLI's --allow-playlist-input): no demuxer or protocol allow-list. */
  trusted?: boolean;
}

interface RawStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  pix_fmt?: string;
  field_order?: string;
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  channel_layout?: string;
  bits_per_raw_sample?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
  bit_rate?: string;
  disposition?: Record<string, number | undefined>;
  tags?: { rotate?: string; language?: string; title?: string };
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
}

export async function probe(input: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const size = await regularFileSize(input);
  const fail = (message: string) => new MediaInputError(message, { source: input });
  if (size === 0) throw fail("input is empty (0 bytes)");

  // Bounded: at most 20 MB and 10 s of media are read to find the streams, and the whole run is
  // killed after timeoutMs, so a hostile or endless input cannot hang a job. Only real media
  // demuxers and the file protocol are allowed (input-policy.ts): a playlist is refused, not followed.
  // An MP4 whose index never got written (an interrupted upload) starts with a real `ftyp` box.
  const startsLikeMp4 = await readHead(input, 12).then((head) => head.subarray(4, 8).toString("latin1") === "ftyp");
  const args = ["-v", "error", "-probesize", "20000000", "-analyzeduration", "10000000", ...inputArgs(undefined, { trusted: options.trusted ?? false })];
  args.push("-print_format", "json", "-show_format", "-show_streams", "-i", input);
  const raw = await new Promise<RawProbe>((resolve, reject) => {
    execFile(
      options.ffprobePath ?? "ffprobe",
      args,
      { timeout: options.timeoutMs ?? 30_000, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(toolMissing("ffprobe"));
          if (error.killed) return reject(fail("probing took too long: is it a real media file?"));
          const refused = refusedDemuxer(stderr);
          if (refused) return reject(Object.assign(refusalFor(refused), { source: input }));
          const reason = redactPaths(stderr.trim().split("\n").pop()?.replace(/^.*?: /, "") || "unknown error");
          if (/moov atom not found/.test(stderr) && startsLikeMp4) return reject(fail("input is truncated or incomplete (moov atom not found)"));
          return reject(fail(`not a media file ffmpeg can read (${reason})`));
        }
        try {
          resolve(JSON.parse(stdout) as RawProbe);
        } catch {
          reject(fail("ffprobe returned unreadable output"));
        }
      },
    );
  });
  const info = toMediaInfo(raw, size);
  // The allow-list already held; this also names the demuxer the packager is told to use with -f.
  try {
    demuxerFor(info.formatName, options.trusted ?? false);
  } catch (error) {
    throw Object.assign(error as MediaInputError, { source: input });
  }
  return info;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path);
  try {
    const buffer = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Pure: raw ffprobe JSON → MediaInfo. Exported for unit tests. */
export function toMediaInfo(raw: RawProbe, sizeBytes: number): MediaInfo {
  const streams = raw.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audioStreams = defaultFirst(streams.filter((s) => s.codec_type === "audio"));
  const audio = audioStreams[0];
  if (!video && !audio) throw new MediaInputError("no audio or video stream found in the file");
  if (video && (!video.width || !video.height)) {
    throw new MediaInputError("the video stream has no picture size: the file may be truncated or damaged");
  }
  if (video && (!video.codec_name || video.codec_name === "none")) {
    throw new MediaInputError("the video codec is unknown to this ffmpeg");
  }
  const durationSec = Number(raw.format?.duration ?? NaN);
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw new MediaInputError("cannot tell the duration: the file may be truncated");
  }
  const result: MediaInfo = {
    formatName: raw.format?.format_name ?? "unknown",
    durationSec,
    sizeBytes,
    streams: streams.map((s) => ({ index: s.index, type: s.codec_type ?? "unknown", codec: s.codec_name ?? "unknown" })),
    audioStreams: audioStreams.map(toAudio),
    subtitles: streams.filter((s) => s.codec_type === "subtitle").map(toSubtitle),
  };
  const bitRate = optionalNumber(raw.format?.bit_rate);
  if (bitRate) result.bitRate = bitRate;
  if (video) result.video = toVideo(video);
  if (result.audioStreams?.[0]) result.audio = result.audioStreams[0];
  return result;
}

/** The stream marked default first (the first one when none is), the rest in file order. */
function defaultFirst(streams: RawStream[]): RawStream[] {
  const chosen = streams.find((s) => s.disposition?.default) ?? streams[0];
  return chosen ? [chosen, ...streams.filter((s) => s !== chosen)] : [];
}

function tagsOf(s: RawStream): { language?: string; title?: string } {
  const tags: { language?: string; title?: string } = {};
  if (s.tags?.language) tags.language = s.tags.language;
  if (s.tags?.title) tags.title = s.tags.title;
  return tags;
}

function toSubtitle(s: RawStream): SubtitleStreamInfo {
  const d = s.disposition ?? {};
  return {
    index: s.index,
    codec: s.codec_name ?? "unknown",
    ...tagsOf(s),
    dispositions: { default: !!d.default, forced: !!d.forced, hearingImpaired: !!d.hearing_impaired },
  };
}

function toVideo(s: RawStream): VideoStreamInfo {
  const avg = parseRate(s.avg_frame_rate);
  const base = parseRate(s.r_frame_rate);
  const v: VideoStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? "unknown",
    bitDepth: bitDepthOf(s),
    chroma: chromaOf(s.pix_fmt),
    width: s.width ?? 0,
    height: s.height ?? 0,
    frameRate: avg || base,
    // ffprobe's r_frame_rate is the base rate every timestamp fits; a CFR stream averages exactly
    // that. More than 1% apart means frames come at irregular intervals.
    vfr: avg > 0 && base > 0 && Math.abs(avg - base) / base > 0.01,
    rotation: rotationOf(s),
  };
  if (s.profile) v.profile = s.profile;
  if (s.level !== undefined && s.level > 0) v.level = s.level;
  if (s.pix_fmt) v.pixFmt = s.pix_fmt;
  if (s.color_transfer) v.colorTransfer = s.color_transfer;
  if (s.color_primaries) v.colorPrimaries = s.color_primaries;
  if (s.color_space) v.colorSpace = s.color_space;
  if (s.color_transfer === "smpte2084") v.hdr = "pq";
  else if (s.color_transfer === "arib-std-b67") v.hdr = "hlg";
  if (isInterlaced(s.field_order)) v.interlaced = true;
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
    ...tagsOf(s),
    dispositions: {
      default: !!s.disposition?.default,
      comment: !!s.disposition?.comment,
      visualImpaired: !!s.disposition?.visual_impaired,
      dub: !!s.disposition?.dub,
      original: !!s.disposition?.original,
    },
  };
  if (s.profile && s.profile !== "unknown") a.profile = s.profile;
  if (s.channel_layout) a.channelLayout = s.channel_layout;
  const bitRate = optionalNumber(s.bit_rate);
  if (bitRate) a.bitRate = bitRate;
  return a;
}

/**
 * Whether ffprobe's `field_order` says the picture is coded as two fields: tt/bb (top/bottom field
 * first) and tb/bt (coded one way, shown the other). "progressive", "unknown" and absent are not.
 */
export function isInterlaced(fieldOrder: string | undefined): boolean {
  return fieldOrder === "tt" || fieldOrder === "bb" || fieldOrder === "tb" || fieldOrder === "bt";
}

function bitDepthOf(s: RawStream): number {
  const raw = Number(s.bits_per_raw_sample);
  if (raw > 0) return raw;
  const match = /p(\d+)(le|be)$/.exec(s.pix_fmt ?? "");
  return match ? Number(match[1]) : 8;
}

function chromaOf(pixFmt: string | undefined): VideoStreamInfo["chroma"] {
  if (!pixFmt) return "unknown";
  if (/^(yuvj?420|nv12|nv21|p010|p016)/.test(pixFmt)) return "420";
  if (/^(yuvj?422|nv16|yuyv422|uyvy422)/.test(pixFmt)) return "422";
  if (/^(yuvj?444|gbr|rgb|bgr|nv24)/.test(pixFmt)) return "444";
  return "unknown";
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
