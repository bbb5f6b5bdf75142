// A copy-mode session's one run (session-args.ts buildCopySessionArgs): started like any encoder run,
// and done when ffmpeg has remuxed the whole source; its result is the media playlist ffmpeg wrote,
// the one that tells where the source's keyframes put each cut.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runFfmpeg, type FfmpegProgress } from "../ffmpeg-process.ts";
import type { EncoderRun } from "./encoder-run.ts";
import { buildCopySessionArgs, SESSION_PLAYLIST, type SessionCopy } from "./session-args.ts";

export interface CopyResult {
  /** ffmpeg's VOD playlist: real segment durations, names relative to the rendition folder. */
  playlist: string;
  segments: number;
}

export function launchCopyRun(copy: SessionCopy, now: number, onProgress: (p: FfmpegProgress) => void): { encoder: EncoderRun; result: Promise<CopyResult> } {
  const run = runFfmpeg(buildCopySessionArgs(copy), { onProgress });
  const encoder: EncoderRun = { run, start: 0, end: Number.MAX_SAFE_INTEGER, highest: -1, paused: false, wantedAt: now };
  const result = run.done.then(async () => {
    const playlist = await readFile(join(copy.outDir, SESSION_PLAYLIST), "utf8");
    const segments = playlist.match(/^#EXTINF:/gm)?.length ?? 0;
    if (segments === 0 || !playlist.includes("#EXT-X-ENDLIST")) throw new Error("the remux wrote no complete playlist");
    return { playlist, segments };
  });
  return { encoder, result };
}
