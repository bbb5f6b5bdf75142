// Phone-like 1080p uploads for the benches, generated once and cached in the OS temp folder under a
// stable name (never committed): H.264 High, which a browser plays as it is (copied), and HEVC,
// which needs a transcode. BENCH_UPLOAD_SECONDS sets their length (default 120 s for H.264 and 60 s
// for HEVC: x265 makes 1080p at a few frames a second on a small box, and this is generated once).
import { access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTestPattern } from "../transcode-node/src/index.ts";

const override = process.env["BENCH_UPLOAD_SECONDS"];
export const UPLOAD_SECONDS = { h264: Number(override ?? 120), hevc: Number(override ?? 60) } as const;

const ENCODERS = {
  h264: ["-c:v", "libx264", "-preset", "superfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "8M"],
  hevc: ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-x265-params", "keyint=30:log-level=error", "-b:v", "6M"],
} as const;

export async function uploadSource(codec: keyof typeof ENCODERS): Promise<string> {
  const seconds = UPLOAD_SECONDS[codec];
  const path = join(tmpdir(), `edgestream-bench-upload-${seconds}s-1920x1080-${codec}.mp4`);
  if (!(await access(path).then(() => true, () => false))) {
    process.stderr.write(`  generating ${path} (once)…\n`);
    await generateTestPattern(path, { seconds, width: 1920, height: 1080, fps: 30, videoArgs: [...ENCODERS[codec]] });
  }
  return path;
}
