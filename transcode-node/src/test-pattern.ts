// Generates a synthetic source (colour bars with a running clock, a beeping tone) with ffmpeg's
// lavfi sources: the demo's sample, the tests' clips and an operator's smoke test. Written via a
// temp file so a half-made clip never sits under the final name.
import { execFile } from "node:child_process";
import { rename, rm } from "node:fs/promises";
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
}

export async function generateTestPattern(path: string, options: TestPatternOptions): Promise<void> {
  const { seconds, width = 320, height = 180, fps = 30, audio = true } = options;
  const videoArgs = options.videoArgs ?? [
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
    "-g", String(fps * 2), "-keyint_min", String(fps * 2), "-sc_threshold", "0",
  ];
  const audioArgs = audio ? (options.audioArgs ?? ["-c:a", "aac", "-b:a", "96k"]) : ["-an"];
  const temp = `${path}.partial${extname(path)}`;
  const args = [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", options.videoSource ?? `testsrc2=size=${width}x${height}:rate=${fps}`,
    ...(audio ? ["-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000"] : []),
    "-t", String(seconds), ...videoArgs, ...audioArgs,
    ...(audio ? ["-shortest"] : []),
    temp,
  ];
  try {
    await run("ffmpeg", args);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw toolMissing("ffmpeg");
    throw new Error(`generating a test pattern failed: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  }
}
