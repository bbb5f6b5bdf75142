// Reads back one media playlist we wrote: the init segment (fMP4) and each segment's duration.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { MEDIA_PLAYLIST } from "@edgestream/contracts";

export interface MediaPlaylistEntries {
  init?: string;
  segments: { uri: string; duration: number; start: number }[];
}

export async function readMediaPlaylist(folder: string): Promise<MediaPlaylistEntries> {
  const text = await readFile(join(folder, MEDIA_PLAYLIST), "utf8");
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  let start = 0;
  const segments = [...text.matchAll(/#EXTINF:([\d.]+),?[^\n]*\n([^\n#]+)/g)].map((m) => {
    const entry = { uri: m[2]!.trim(), duration: Number(m[1]), start };
    start += entry.duration;
    return entry;
  });
  return init ? { init, segments } : { segments };
}

/**
 * An ffmpeg input reading init + segments as one stream (the concat protocol), with paths relative
 * to the rendition folder so hours of segments stay well under the argument length limit.
 * ffmpeg 5.1's HLS demuxer misreads fMP4 renditions, so we never hand it our own playlists.
 */
export function concatInput(entries: MediaPlaylistEntries, from = 0, to = entries.segments.length): string {
  const parts = [...(entries.init ? [entries.init] : []), ...entries.segments.slice(from, to).map((s) => s.uri)];
  return `concat:${parts.join("|")}`;
}
