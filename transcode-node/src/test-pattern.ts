// Generates a synthetic source (colour bars with a running clock, a beeping tone) with ffmpeg's
// lavfi sources: the demo's sample, the tests' clips and an operator's smoke test. Written via a
// temp file so a half-made clip never sits under the final name.
import { execFile } from "node:child_process";
import { rename, rm, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { promisify } from "node:util";
import { toolMissing } from "./errors.ts";

const run = promisify(execFile);

export interface TestPatternOptions {
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  /** A lavfi graph to use instead of the test pattern (testsrc2), e.g. a scene with motion. */
  videoSource?: string;
  /** Include a 48 kHz tone (default true). */
  audio?: boolean;
  /** Video encoder arguments; default H.264 8-bit 4:2:0 with a keyframe every 2 s. */
  videoArgs?: string[];
  /** Audio encoder arguments; default AAC-LC 96 kb/s. */
  audioArgs?: string[];
  /** Several audio languages instead of the one tone: a beep per track at its own pitch, the first default. */
  audioTracks?: readonly { language: string; frequency: number; title?: string }[];
  /** Text subtitle streams (mov_text in MP4/MOV, SubRip otherwise), the first default; cue times in seconds. */
  subtitles?: readonly { language: string; title?: string; cues: readonly { start: number; end: number; text: string }[] }[];
}

/** SubRip text of cues given in seconds. */
export function toSubRip(cues: readonly { start: number; end: number; text: string }[]): string {
  const time = (sec: number) => {
    const ms = Math.round(sec * 1000);
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
  };
  return cues.map((c, i) => `${i + 1}\n${time(c.start)} --> ${time(c.end)}\n${c.text}\n`).join("\n");
}

/** Inputs, maps and per-stream metadata for `audioTracks` and `subtitles` (input 0 is the video). */
function trackArgs(options: TestPatternOptions, subtitleFiles: string[], textCodec: string): string[] {
  const audio = options.audioTracks ?? [];
  const subs = options.subtitles ?? [];
  const inputs = [
    ...audio.flatMap((a) => ["-f", "lavfi", "-i", `sine=frequency=${a.frequency}:beep_factor=4:sample_rate=48000,aformat=channel_layouts=stereo`]),
    ...subtitleFiles.flatMap((file) => ["-i", file]),
  ];
  const maps = ["-map", "0:v", ...audio.flatMap((_, i) => ["-map", `${i + 1}:a`]), ...subs.flatMap((_, i) => ["-map", `${audio.length + 1 + i}:s`])];
  const meta = (kind: "a" | "s", list: readonly { language: string; title?: string }[]) =>
    list.flatMap((t, i) => [
      `-metadata:s:${kind}:${i}`, `language=${t.language}`,
      ...(t.title ? [`-metadata:s:${kind}:${i}`, `title=${t.title}`] : []),
      `-disposition:${kind}:${i}`, i === 0 ? "default" : "0",
    ]);
  return [...inputs, ...maps, ...meta("a", audio), ...meta("s", subs), ...(subs.length ? ["-c:s", textCodec] : [])];
}

export async function generateTestPattern(path: string, options: TestPatternOptions): Promise<void> {
  const { seconds, width = 320, height = 180, fps = 30, audio = true } = options;
  const videoArgs = options.videoArgs ?? [
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
    "-g", String(fps * 2), "-keyint_min", String(fps * 2), "-sc_threshold", "0",
  ];
  const tracks = (options.audioTracks?.length ?? 0) > 0 || (options.subtitles?.length ?? 0) > 0;
  const withAudio = tracks ? (options.audioTracks?.length ?? 0) > 0 : audio;
  const audioArgs = withAudio ? (options.audioArgs ?? ["-c:a", "aac", "-b:a", "96k"]) : ["-an"];
  const temp = `${path}.partial${extname(path)}`;
  const subtitleFiles = (options.subtitles ?? []).map((_, i) => `${path}.partial-${i}.srt`);
  const textCodec = [".mp4", ".mov", ".m4v"].includes(extname(path).toLowerCase()) ? "mov_text" : "srt";
  const args = [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", options.videoSource ?? `testsrc2=size=${width}x${height}:rate=${fps}`,
    ...(tracks
      ? trackArgs(options, subtitleFiles, textCodec)
      : audio ? ["-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000"] : []),
    "-t", String(seconds), ...videoArgs, ...audioArgs,
    ...(withAudio && !tracks ? ["-shortest"] : []),
    temp,
  ];
  try {
    await Promise.all((options.subtitles ?? []).map((s, i) => writeFile(subtitleFiles[i]!, toSubRip(s.cues))));
    await run("ffmpeg", args);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw toolMissing("ffmpeg");
    throw new Error(`generating a test pattern failed: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  } finally {
    await Promise.all(subtitleFiles.map((file) => rm(file, { force: true })));
  }
}
