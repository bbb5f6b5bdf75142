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

export interface SegmentReport {
  uri: string;
  duration: number;
  /** Whether the segment's first video packet is a keyframe (true for audio-only renditions). */
  firstIsKey: boolean;
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; profile?: string; channels?: number; sample_rate?: string }[];
}

/**
 * Reads every segment of one rendition folder back with ffprobe: fMP4 segments are probed as
 * init + segment (as a player appends them), MPEG-TS segments on their own.
 */
export async function readRendition(folder: string, playlistName = "index.m3u8"): Promise<{ playlist: string; segments: SegmentReport[] }> {
  const { readFile, writeFile, rm } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const playlist = await readFile(join(folder, playlistName), "utf8");
  const initUri = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
  const init = initUri ? await readFile(join(folder, initUri)) : null;
  const segments: SegmentReport[] = [];
  for (const { uri, duration } of parseMediaPlaylist(playlist)) {
    let path = join(folder, uri);
    if (init) {
      path = join(folder, `.joined-${uri}.mp4`);
      await writeFile(path, Buffer.concat([init, await readFile(join(folder, uri))]));
    }
    try {
      const probe = await ffprobeJson(path);
      const hasVideo = probe.streams.some((s: { codec_type: string }) => s.codec_type === "video");
      const packets = hasVideo ? await videoPackets(path) : [];
      segments.push({ uri, duration, firstIsKey: hasVideo ? (packets[0]?.key ?? false) : true, streams: probe.streams });
    } finally {
      if (init) await rm(path, { force: true });
    }
  }
  return { playlist, segments };
}

/** Attributes of each #EXT-X-STREAM-INF / #EXT-X-MEDIA line of a master playlist, with its URI. */
export function parseMasterPlaylist(text: string): { variants: { attrs: Record<string, string>; uri: string }[]; media: Record<string, string>[] } {
  const attrsOf = (line: string) =>
    Object.fromEntries([...line.slice(line.indexOf(":") + 1).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, "")]));
  const lines = text.split(/\r?\n/);
  const variants: { attrs: Record<string, string>; uri: string }[] = [];
  const media: Record<string, string>[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith("#EXT-X-STREAM-INF:")) variants.push({ attrs: attrsOf(line), uri: lines[i + 1]!.trim() });
    if (line.startsWith("#EXT-X-MEDIA:")) media.push(attrsOf(line));
  });
  return { variants, media };
}
