// Scrubbing previews from the signed WebVTT sprite track (`thumbnailsUrl` from /stream): each cue
// names a sprite sheet and a rectangle (`sprite-001.jpg#xywh=x,y,w,h`), so any UI can show the
// frame for a time on hover. A separate entry point: pages that draw no seek bar never load it.

export interface Thumbnail {
  /** The sprite sheet (absolute, signed as the track's URIs are). */
  url: string;
  /** The rectangle of this frame on the sheet, in pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The cue's time range, in seconds. */
  start: number;
  end: number;
}

export interface Thumbnails {
  readonly cues: readonly Thumbnail[];
  /** The thumbnail shown at `seconds`, or null outside every cue (or for an empty track). */
  thumbnailAt(seconds: number): Thumbnail | null;
}

const TIMING = /^((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})/;

function seconds(stamp: string): number {
  return stamp.split(":").reduce((sum, part) => sum * 60 + Number(part), 0);
}

/** Reads a thumbnail track; relative image URIs resolve against `trackUrl`. */
export function parseThumbnailTrack(text: string, trackUrl: string): Thumbnails {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (!/^WEBVTT(?:\s|$)/.test(lines[0] ?? "")) throw new Error("not a WebVTT thumbnail track (no WEBVTT header)");
  const cues: Thumbnail[] = [];
  for (let i = 1; i < lines.length; i++) {
    const timing = TIMING.exec(lines[i]!.trim());
    const target = lines[i + 1]?.trim();
    if (!timing || !target) continue;
    const url = new URL(target, trackUrl);
    const rect = /^#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(url.hash);
    url.hash = "";
    const [x, y, w, h] = rect ? rect.slice(1).map(Number) : [0, 0, 0, 0];
    cues.push({ url: url.href, x: x!, y: y!, w: w!, h: h!, start: seconds(timing[1]!), end: seconds(timing[2]!) });
    i++;
  }
  cues.sort((a, b) => a.start - b.start);
  return {
    cues,
    thumbnailAt(at) {
      // Binary search for the last cue starting at or before `at`.
      let lo = 0;
      let hi = cues.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (cues[mid]!.start <= at) (found = mid), (lo = mid + 1);
        else hi = mid - 1;
      }
      const cue = cues[found];
      return cue && at < cue.end ? cue : null;
    },
  };
}

/** Fetches and reads the track at `url` (the signed `thumbnailsUrl` from /stream). */
export async function loadThumbnails(url: string, signal?: AbortSignal): Promise<Thumbnails> {
  const response = await fetch(url, signal ? { signal } : {});
  if (!response.ok) throw new Error(`the thumbnail track could not be loaded (HTTP ${response.status})`);
  return parseThumbnailTrack(await response.text(), response.url || url);
}
