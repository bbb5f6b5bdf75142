// An uploaded subtitle file, judged and converted: UTF-8 WebVTT or SubRip (told apart by content,
// not by name or Content-Type) becomes one clean WebVTT file. Anything else is 415; a file of the
// right kind whose cues do not parse is 422 naming the first bad line (cue-parser.ts).
import { HttpError } from "../errors.ts";
import { CueError, parseCues, type SubtitleFormat } from "./cue-parser.ts";
import { writeVtt } from "./vtt-writer.ts";

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

/** Judges and converts an uploaded subtitle file. Throws HttpError 415 or 422. */
export async function convertSubtitles(bytes: Uint8Array): Promise<ConvertedSubtitles> {
  const text = decodeSubtitleText(bytes);
  const format = detectSubtitleFormat(text);
  let cues;
  try {
    cues = parseCues(text, format);
  } catch (error) {
    if (error instanceof CueError) throw malformed(error.message);
    throw error;
  }
  const { vtt, cues: count } = writeVtt(cues);
  if (count === 0) throw malformed(`the ${format === "vtt" ? "WebVTT" : "SubRip"} file has no cues with text`);
  return { format, vtt, cues: count };
}
