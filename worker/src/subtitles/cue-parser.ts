// A small strict reader of WebVTT and SubRip cues: blocks split on blank lines, each cue an optional
// id, a timing line and its text. What a player would skip or guess at is refused instead, naming
// the line, so an owner learns of a broken file when adding it rather than from a silent player.
// Hand-written rather than media-captions (vidstack's parser): that one brings a renderer and an
// ASS parser the Workers bundle cannot shake off (12 KB, past its gzip budget), and it drops a
// backwards cue without a word.

export type SubtitleFormat = "vtt" | "srt";

export interface Cue {
  id: string;
  start: number;
  end: number;
  /** The cue's valid WebVTT settings, re-spelled ("" when none); unknown or malformed ones dropped. */
  settings: string;
  text: string;
}

export class CueError extends Error {}

const ARROW = "-->";
const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIME = /^(\d{1,}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;
/** WebVTT cue settings this reader keeps (region is dropped with REGION blocks). */
const SETTING = /^(vertical:(rl|lr)|line:-?\d+(\.\d+)?%?(,(start|center|end))?|position:\d+(\.\d+)?%(,(line-left|center|line-right))?|size:\d+(\.\d+)?%|align:(start|center|end|left|right))$/;
/** Blocks a WebVTT file may hold besides cues: skipped. */
const VTT_OTHER_BLOCK = /^(NOTE|STYLE|REGION)([ \t]|$)/;

/** Seconds from a timestamp in the format's spelling, or null when it does not parse. */
export function parseTimestamp(text: string, format: SubtitleFormat): number | null {
  const match = (format === "vtt" ? VTT_TIME : SRT_TIME).exec(text);
  if (!match) return null;
  const [, h = "0", m, s, ms] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms!.padEnd(3, "0")) / 1000;
}

function timing(line: string, lineNo: number, format: SubtitleFormat): { start: number; end: number; settings: string } {
  const [left = "", right = ""] = line.split(ARROW);
  const startText = left.trim();
  const [endText = "", ...settings] = right.trim().split(/[ \t]+/);
  const start = parseTimestamp(startText, format);
  if (start === null) throw new CueError(`line ${lineNo}: the cue start "${startText.slice(0, 40)}" is not a timestamp`);
  const end = parseTimestamp(endText, format);
  if (end === null) throw new CueError(`line ${lineNo}: the cue end "${endText.slice(0, 40)}" is not a timestamp`);
  if (end < start) throw new CueError(`line ${lineNo}: the cue ends (${endText}) before it starts (${startText})`);
  // SubRip's optional "X1:… Y1:…" box coordinates are not WebVTT settings: they fall out here too.
  return { start, end, settings: format === "vtt" ? settings.filter((s) => SETTING.test(s)).join(" ") : "" };
}

/**
 * The cues of a file already told to be `format` (text with \n line endings, no BOM). Throws
 * CueError naming the first line that is not what a cue block allows.
 */
export function parseCues(text: string, format: SubtitleFormat): Cue[] {
  const lines = text.split("\n");
  const cues: Cue[] = [];
  let i = 0;
  if (format === "vtt") {
    while (i < lines.length && lines[i]!.trim() !== "") i++; // the WEBVTT header block
  }
  while (i < lines.length) {
    if (lines[i]!.trim() === "") {
      i++;
      continue;
    }
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== "") block.push(lines[i++]!);
    if (format === "vtt" && VTT_OTHER_BLOCK.test(block[0]!) && !block[0]!.includes(ARROW)) continue;
    const at = block[0]!.includes(ARROW) ? 0 : 1;
    if (!block[at]?.includes(ARROW)) {
      throw new CueError(`line ${blockStart + at + 1}: expected a cue timing line ("start ${ARROW} end"), found "${(block[at] ?? "").slice(0, 40)}"`);
    }
    cues.push({ id: at === 1 ? block[0]!.trim() : "", ...timing(block[at]!, blockStart + at + 1, format), text: block.slice(at + 1).join("\n") });
  }
  return cues;
}
