// Pure: what ffmpeg said when it failed, as one line a person can act on. ffmpeg's stderr ends with
// whatever it logged last — often noise ("Last message repeated 1 times", progress, a decoder's
// concealment chatter) — so the message is built from its most telling lines instead, paths cut.
import { redactPaths } from "./errors.ts";

/** Lines that say nothing about why: collapsed repeats, progress, stats, banners. */
const NOISE = [/^Last message repeated \d+ times?$/i, /^\[[^\]]+\] Opening '.*' for (writing|reading)$/, /^\s*(frame|size)=\s*\S+.*(time|bitrate)=/, /^\s*$/, /^Press \[q\]/, /^video:\S+ audio:\S+/];
/** Lines that name a failure, most telling first. */
const TELLING = [/\b(not supported|unsupported|invalid|malformed|no such|not found|permission denied|cannot|could not|unable)\b/i, /\berror\b/i, /\bfailed\b/i];
/** ffmpeg's own closing words, which say only that something before them went wrong. */
const EPILOGUE = /^(Conversion failed!|Exiting normally.*)$/;

/** The exit codes ffmpeg uses for one cause only. */
const EXIT_MEANING: Record<number, string> = {
  69: "too many frames could not be decoded (the source is damaged or its codec is not fully supported)",
};

/** The lines of ffmpeg's stderr that best say why it failed (at most `max`, in their order, paths cut). */
export function telltaleLines(stderr: string, max = 2): string[] {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => !NOISE.some((n) => n.test(l)));
  const meaningful = lines.filter((l) => !EPILOGUE.test(l));
  for (const pattern of TELLING) {
    const hits = meaningful.filter((l) => pattern.test(l));
    // The last ones matter most: earlier errors were survived, the last led to the exit.
    if (hits.length > 0) return unique(hits).slice(-max).map(clean);
  }
  return meaningful.slice(-1).map(clean);
}

/** `ffmpeg exited with code 1: <telling lines>`; the meaning of a one-cause exit code leads when known. */
export function ffmpegFailureMessage(why: string, stderr: string, exitCode: number | null): string {
  const meaning = exitCode !== null ? EXIT_MEANING[exitCode] : undefined;
  const said = telltaleLines(stderr);
  const parts = [meaning, said.length ? said.join("; ") : undefined].filter(Boolean);
  return `ffmpeg ${why}${parts.length ? `: ${parts.join(": ")}` : ""}`;
}

function unique(lines: string[]): string[] {
  // Decoder messages repeat with different numbers; keep the last of each wording.
  const byShape = new Map<string, string>();
  for (const line of lines) {
    const shape = clean(line).replace(/-?\d+/g, "#");
    byShape.delete(shape);
    byShape.set(shape, line);
  }
  return [...byShape.values()];
}

/** Drops the `[codec @ 0x55…]` address (not the codec) and server paths. */
function clean(line: string): string {
  return redactPaths(line.replace(/\[([^\s@\]]+) @ 0x[0-9a-f]+\]/g, "[$1]"));
}
