// An uploaded subtitle file, judged and converted: UTF-8 WebVTT or SubRip (told apart by content,
// not by name or Content-Type) becomes one clean WebVTT file. Anything else is 415; a file of the
// right kind whose cues do not parse is 422 naming the first bad line. Parsing is media-captions'
// (vidstack's parser, edge-safe); only the checks it does not make (a cue that ends before it
// starts, which it drops silently) are ours.
import { parseText, parseVTTTimestamp, type VTTCue } from "media-captions";
import { HttpError } from "../errors.ts";
import { writeVtt } from "./vtt-writer.ts";

export type SubtitleFormat = "vtt" | "srt";

export interface ConvertedSubtitles {
  format: SubtitleFormat;
  /** The WebVTT file to store. */
  vtt: string;
  cues: number;
}

const TIMING_ARROW = "-->";
const SRT_INDEX = /^\d+$/;

function unsupported(message: string): HttpError {
  return new HttpError(415, "unsupported_subtitles", message);
}

function malformed(message: string): HttpError {
  return new HttpError(422, "invalid_subtitles", message);
}

/** UTF-8 text with its BOM removed and line endings made \n; 415 for bytes that are not text. */
export function decodeSubtitleText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // drops a leading BOM
  } catch {
    throw unsupported("the file is not UTF-8 text: send a WebVTT (.vtt) or SubRip (.srt) file");
  }
  if (text.includes("\u0000")) throw unsupported("the file is binary, not text: send a WebVTT (.vtt) or SubRip (.srt) file");
  return text.replace(/\r\n?/g, "\n");
}

/** Which format the text is, from its first lines; 415 naming what it looks like otherwise. */
export function detectSubtitleFormat(text: string): SubtitleFormat {
  const lines = text.split("\n");
  if (/^WEBVTT([ \t].*)?$/.test(lines[0]!)) return "vtt";
  const first = lines.findIndex((line) => line.trim() !== "");
  const head = lines[first]?.trim() ?? "";
  const next = lines[first + 1] ?? "";
  if ((SRT_INDEX.test(head) && next.includes(TIMING_ARROW)) || head.includes(TIMING_ARROW)) return "srt";
  if (/^\[script info\]/i.test(head)) throw unsupported("ASS/SSA subtitles are not accepted: convert them to WebVTT (.vtt) or SubRip (.srt)");
  if (text.trim() === "") throw unsupported("the file is empty: send a WebVTT (.vtt) or SubRip (.srt) file");
  throw unsupported("the file is neither WebVTT (no WEBVTT header) nor SubRip (no numbered cue with a timing line)");
}

/** 422 for the first timing line whose end comes before its start (the parser would drop it without a word). */
function checkCueOrder(text: string, format: SubtitleFormat): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes(TIMING_ARROW)) continue;
    const [startText = "", rest = ""] = line.split(TIMING_ARROW).map((part) => part.trim());
    const endText = rest.split(/[ \t]/)[0] ?? "";
    const spell = (t: string) => (format === "srt" ? t.replace(",", ".") : t);
    const start = parseVTTTimestamp(spell(startText));
    const end = parseVTTTimestamp(spell(endText));
    if (start !== null && end !== null && end < start) {
      throw malformed(`line ${i + 1}: the cue ends (${endText}) before it starts (${startText})`);
    }
  }
}

/** Judges and converts an uploaded subtitle file. Throws HttpError 415 or 422. */
export async function convertSubtitles(bytes: Uint8Array): Promise<ConvertedSubtitles> {
  const text = decodeSubtitleText(bytes);
  const format = detectSubtitleFormat(text);
  checkCueOrder(text, format);
  let cues: VTTCue[];
  try {
    ({ cues } = await parseText(text, { type: format, strict: true, errors: true }));
  } catch (error) {
    // media-captions' ParseError names the line ("cue start timestamp `00:0x` is invalid on line 6").
    if (error instanceof Error && "line" in error) throw malformed(error.message);
    throw error;
  }
  const { vtt, cues: count } = writeVtt(cues);
  if (count === 0) throw malformed(`the ${format === "vtt" ? "WebVTT" : "SubRip"} file has no cues with text`);
  return { format, vtt, cues: count };
}
