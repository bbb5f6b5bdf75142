// Reading packaged output back with ffprobe, so tests check what was written, not that files exist.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function ffprobeJson(path: string, extra: string[] = []): Promise<any> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", ...extra, path], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** Video packets of one segment (init + segment concatenated by the caller): pts and keyframe flags. */
export async function videoPackets(path: string): Promise<{ ptsTime: number; key: boolean }[]> {
  const { stdout } = await run(
    "ffprobe",
    ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-print_format", "json", path],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return (JSON.parse(stdout).packets as { pts_time: string; flags: string }[]).map((p) => ({
    ptsTime: Number(p.pts_time),
    key: p.flags.startsWith("K"),
  }));
}

/** Segment URIs and EXTINF durations of a media playlist. */
export function parseMediaPlaylist(text: string): { uri: string; duration: number }[] {
  const lines = text.split(/\r?\n/);
  const out: { uri: string; duration: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
    if (match) out.push({ duration: Number(match[1]), uri: lines[++i]!.trim() });
  }
  return out;
}
