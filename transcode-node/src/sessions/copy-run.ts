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

/** The remux under way: its process (an encoder run for the session's bookkeeping) and its result. */
export class CopyRun {
  readonly encoder: EncoderRun;
  result: CopyResult | undefined;
  private readonly settled: Promise<CopyResult>;

  /** `onDone` runs before anyone waiting hears of the result; `onFailed` when the remux failed. */
  constructor(copy: SessionCopy, now: number, onProgress: (p: FfmpegProgress) => void, hooks: { onDone: (result: CopyResult) => Promise<void>; onFailed: (error: Error) => void }) {
    const run = runFfmpeg(buildCopySessionArgs(copy), { onProgress });
    this.encoder = { run, start: 0, end: Number.MAX_SAFE_INTEGER, highest: -1, paused: false, wantedAt: now };
    this.settled = run.done.then(() => readResult(copy.outDir)).then(
      async (result) => {
        this.result = result;
        await hooks.onDone(result);
        return result;
      },
      (error: Error) => {
        hooks.onFailed(error);
        throw error;
      },
    );
    this.settled.catch(() => {}); // waited on by requests; a failure is the session's state
  }

  /** The result, waiting at most `waitMs` for the remux to end (then `late()` is thrown). */
  async done(waitMs: number, late: () => Error): Promise<CopyResult> {
    if (this.result) return this.result;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late()), waitMs)));
    try {
      return await Promise.race([this.settled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readResult(outDir: string): Promise<CopyResult> {
  const playlist = await readFile(join(outDir, SESSION_PLAYLIST), "utf8");
  const segments = playlist.match(/^#EXTINF:/gm)?.length ?? 0;
  if (segments === 0 || !playlist.includes("#EXT-X-ENDLIST")) throw new Error("the remux wrote no complete playlist");
  return { playlist, segments };
}
