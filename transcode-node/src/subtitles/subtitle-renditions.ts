// After the packaging run: each WebVTT file ffmpeg wrote gets the X-TIMESTAMP-MAP header players need
// to place its cues on the media timeline, and a media playlist of one segment (the whole file).
import { execFile } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { MEDIA_PLAYLIST, SUBTITLE_FILE, subtitleMediaPlaylist, timestampMapLine } from "@edgestream/contracts";
import type { MeasuredRendition } from "../master-playlist.ts";
import { concatInput, readMediaPlaylist } from "../media-playlist.ts";
import type { SubtitlePlan } from "./subtitle-plan.ts";

const run = promisify(execFile);

/**
 * The 90 kHz presentation time of the first sample of a rendition (its first segment, with the init
 * segment for fMP4): the media time a cue at LOCAL 00:00:00.000 belongs to. hls.js and Safari subtract
 * the main rendition's first timestamp from MPEGTS, so MPEGTS must be that timestamp: 0 is only right
 * when ffmpeg started the output at 0 (fMP4 usually), while MPEG-TS starts at 1.4 s.
 */
export async function firstTimestamp90k(renditionDir: string): Promise<number> {
  const entries = await readMediaPlaylist(renditionDir);
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=start_time", "-print_format", "json", concatInput(entries, 0, 1)], { cwd: renditionDir });
  const starts = (JSON.parse(stdout) as { streams: { start_time?: string }[] }).streams.map((s) => Number(s.start_time)).filter(Number.isFinite);
  return Math.round(Math.min(...starts, Infinity) * 90_000) || 0;
}

/** Pure: the WebVTT text with `X-TIMESTAMP-MAP` as the header's second line (replacing any the source had). */
export function withTimestampMap(vtt: string, mpegts: number): string {
  const text = vtt.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const firstBreak = text.indexOf("\n");
  const header = firstBreak < 0 ? text : text.slice(0, firstBreak);
  if (!/^WEBVTT/.test(header)) throw new Error("not a WebVTT file (no WEBVTT header)");
  const rest = (firstBreak < 0 ? "" : text.slice(firstBreak + 1)).replace(/^X-TIMESTAMP-MAP=[^\n]*\n/, "");
  return `${header}\n${timestampMapLine(mpegts)}\n${rest.startsWith("\n") ? "" : "\n"}${rest}`;
}

/** Finishes every subtitle rendition in `workDir` and describes it for meta.json and the master. */
export async function finishSubtitles(workDir: string, subtitles: readonly SubtitlePlan[], durationSec: number, mpegts: number): Promise<MeasuredRendition[]> {
  return Promise.all(
    subtitles.map(async (s) => {
      const folder = join(workDir, s.name);
      const file = join(folder, SUBTITLE_FILE);
      await writeFile(file, withTimestampMap(await readFile(file, "utf8"), mpegts));
      await writeFile(join(folder, MEDIA_PLAYLIST), subtitleMediaPlaylist(durationSec));
      const bps = Math.max(1, Math.ceil(((await stat(file)).size * 8) / Math.max(durationSec, 0.001)));
      return {
        name: s.name,
        kind: "subtitle" as const,
        playlist: `${s.name}/${MEDIA_PLAYLIST}`,
        peakBps: bps,
        averageBps: bps,
        segments: 1,
        durationSec,
        codecs: "wvtt",
        language: s.language ?? "und",
        title: s.title,
        default: s.default,
        forced: s.forced,
        ...(s.role ? { role: s.role } : {}),
      };
    }),
  );
}
