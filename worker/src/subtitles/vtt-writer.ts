// Writes parsed cues back as a clean WebVTT file: the header (with the X-TIMESTAMP-MAP the HLS
// subtitle playlists need), then each cue's id, timing, settings and text. NOTE, STYLE and REGION
// blocks are not carried over: a sidecar is cue text and timing, styled by the player.
import { timestampMapLine } from "@edgestream/contracts";
import type { Cue } from "./cue-parser.ts";

/**
 * Cue time 0 is the first instant of the video: LOCAL 0 at the MPEGTS of the video's first sample,
 * the mapping the packager writes for in-source subtitle tracks. Stored with 0; served with the
 * package's own first timestamp (sidecar-files.ts).
 */
export const VTT_TIMESTAMP_MAP = timestampMapLine(0);

/** The cue text markup WebVTT knows; any other tag (SRT's <font>, HTML) is dropped, its text kept. */
const KNOWN_TAG = /^<\/?(b|i|u|c|v|lang|ruby|rt)([\s.][^>]*)?>$|^<\d{2,}:\d{2}:\d{2}\.\d{3}>$|^<\d{2}:\d{2}\.\d{3}>$/;

export function formatVttTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Cue text with unknown tags removed and nothing that could end the cue or open a new timing line. */
export function cleanCueText(text: string): string {
  return text
    .replace(/<[^>]*>/g, (tag) => (KNOWN_TAG.test(tag) ? tag : ""))
    .replace(/\{\\[^}]*\}/g, "") // SSA override blocks ({\an8}) that some SRT files carry
    .split("\n")
    .map((line) => line.replace(/-->/g, "--&gt;").trimEnd())
    .filter((line) => line.trim() !== "")
    .join("\n");
}

/** The WebVTT file of the cues that have text, and how many those are. */
export function writeVtt(cues: readonly Cue[]): { vtt: string; cues: number } {
  const blocks = [`WEBVTT\n${VTT_TIMESTAMP_MAP}`];
  for (const cue of cues) {
    const text = cleanCueText(cue.text);
    if (!text) continue;
    const id = cue.id.replace(/-->/g, "").replace(/\s+/g, " ").trim();
    const timing = `${formatVttTimestamp(cue.start)} --> ${formatVttTimestamp(cue.end)}${cue.settings ? ` ${cue.settings}` : ""}`;
    blocks.push([...(id ? [id] : []), timing, text].join("\n"));
  }
  return { vtt: blocks.join("\n\n") + "\n", cues: blocks.length - 1 };
}
