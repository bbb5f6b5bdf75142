// Pure: a plan → the exact ffmpeg argument list. Unit tests pin it; nothing else builds ffmpeg args.
import type { PackagePlan } from "./plan.ts";

export const MASTER_PLAYLIST = "master.m3u8";

export function buildPackageArgs(input: string, outDir: string, plan: PackagePlan): string[] {
  if (!plan.video && !plan.audio) throw new Error("nothing to package: the plan has neither video nor audio");
  const args = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1", "-i", input];
  if (plan.video) args.push("-map", "0:v:0");
  if (plan.audio) args.push("-map", "0:a:0");

  if (plan.video?.mode === "copy") args.push("-c:v", "copy");
  else if (plan.video) {
    const { width, height, maxBitrateKbps } = plan.video;
    args.push(
      "-vf", `scale=${width}:${height}:flags=bicubic,format=yuv420p`,
      "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
      "-crf", "21", "-maxrate", `${maxBitrateKbps}k`, "-bufsize", `${maxBitrateKbps * 2}k`,
      // Keyframes exactly on the segment grid so every segment starts with one.
      "-force_key_frames", `expr:gte(t,n_forced*${plan.segmentSeconds})`, "-sc_threshold", "0",
    );
  }

  if (plan.audio?.mode === "copy") args.push("-c:a", "copy");
  else if (plan.audio) {
    args.push("-c:a", "aac", "-b:a", `${plan.audio.bitrateKbps}k`, "-ac", String(plan.audio.channels), "-ar", String(plan.audio.sampleRate));
  }

  const streams = [plan.video ? "v:0" : null, plan.audio ? "a:0" : null].filter(Boolean).join(",");
  args.push(
    "-f", "hls",
    "-hls_time", String(plan.segmentSeconds),
    "-hls_playlist_type", "vod",
    "-hls_segment_type", "fmp4",
    "-hls_fmp4_init_filename", "init.mp4",
    "-hls_flags", "independent_segments+temp_file",
    "-hls_segment_filename", `${outDir}/v%v/seg_%05d.m4s`,
    "-master_pl_name", MASTER_PLAYLIST,
    "-var_stream_map", streams,
    `${outDir}/v%v/index.m3u8`,
  );
  return args;
}
