// Small sources with several audio languages and subtitle streams, generated with ffmpeg for the tests
// (no committed media). Video 320x180 at 25 fps with a 2 s GOP, 6 s long.
//  - multiTrackMkv: English stereo AAC (440 Hz, default), German 5.1 AAC (880 Hz), English SubRip,
//    German ASS, and French PGS image subtitles (skipped by the packager with a warning).
//  - movTextMp4: English stereo AAC and English mov_text (the only text subtitle codec MP4 holds).
//  - defaultSecondMkv: German stereo (880 Hz) first, English stereo (440 Hz) second and marked default.
//  - twoLanguageM4a: audio only, English (440 Hz) and German (880 Hz) stereo AAC.
// Every text track shows one cue from 1 s to 3 s and one from 4 s to 5.5 s.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { toSubRip } from "@edgestream/transcode-node";

const run = promisify(execFile);

const L = ["-hide_banner", "-loglevel", "error", "-y"];
const VIDEO = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"];
const tone = (hz: number, layout: "stereo" | "5.1") => ["-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=48000,aformat=channel_layouts=${layout}`];
const X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0"];

export const CUES = [
  { start: 1, end: 3, text: { en: "Hello from the first cue", de: "Hallo vom ersten Untertitel" } },
  { start: 4, end: 5.5, text: { en: "Second cue", de: "Zweiter Untertitel" } },
] as const;

const assTime = (s: number) => `0:00:0${Math.floor(s)}.${String(Math.round((s % 1) * 100)).padStart(2, "0")}`;

function srt(lang: "en" | "de"): string {
  return toSubRip(CUES.map((c) => ({ start: c.start, end: c.end, text: c.text[lang] })));
}

function ass(lang: "en" | "de"): string {
  return [
    "[Script Info]", "ScriptType: v4.00+", "PlayResX: 320", "PlayResY: 180", "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    "Style: Default,Arial,16,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1", "",
    "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...CUES.map((c) => `Dialogue: 0,${assTime(c.start)},${assTime(c.end)},Default,,0,0,0,,{\\b1}${c.text[lang]}{\\b0}`), "",
  ].join("\n");
}

/** One PGS segment: "PG", PTS and DTS (90 kHz), type, size, payload. */
function pgsSegment(pts: number, type: number, payload: number[]): Buffer {
  const head = Buffer.alloc(13);
  head.write("PG", 0, "latin1");
  head.writeUInt32BE(pts, 2);
  head.writeUInt32BE(0, 6);
  head.writeUInt8(type, 10);
  head.writeUInt16BE(payload.length, 11);
  return Buffer.concat([head, Buffer.from(payload)]);
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];

/**
 * A valid Blu-ray PGS (.sup) stream written by hand (ffmpeg 5.1 cannot encode PGS): an 8x2 white bar
 * shown at 1 s and cleared at 3 s. Display set = PCS, WDS, PDS, ODS, END; the clearing set has no object.
 */
export function pgsSup(): Buffer {
  const [w, h] = [8, 2];
  const show = 90_000;
  const clear = 3 * 90_000;
  const window = [1, 0, ...u16(10), ...u16(10), ...u16(w), ...u16(h)];
  const line = [0x00, 0x80 | w, 0x01, 0x00, 0x00]; // w pixels of palette entry 1, end of line
  const rle = Array.from({ length: h }, () => line).flat();
  return Buffer.concat([
    pgsSegment(show, 0x16, [...u16(320), ...u16(180), 0x10, ...u16(0), 0x80, 0, 0, 1, ...u16(0), 0, 0, ...u16(10), ...u16(10)]),
    pgsSegment(show, 0x17, window),
    pgsSegment(show, 0x14, [0, 0, 1, 235, 128, 128, 255]),
    pgsSegment(show, 0x15, [...u16(0), 0, 0xc0, 0, ...u16(rle.length + 4), ...u16(w), ...u16(h), ...rle]),
    pgsSegment(show, 0x80, []),
    pgsSegment(clear, 0x16, [...u16(320), ...u16(180), 0x10, ...u16(1), 0x00, 0, 0, 0]),
    pgsSegment(clear, 0x17, window),
    pgsSegment(clear, 0x80, []),
  ]);
}

/** MKV: English stereo (default) + German 5.1 AAC, English SubRip, German ASS, French PGS. */
export async function multiTrackMkv(dir: string, name = "multi-track.mkv"): Promise<string> {
  await writeFile(join(dir, "en.srt"), srt("en"));
  await writeFile(join(dir, "de.ass"), ass("de"));
  await writeFile(join(dir, "fr.sup"), pgsSup());
  const out = join(dir, name);
  await run("ffmpeg", [
    ...L, ...VIDEO, ...tone(440, "stereo"), ...tone(880, "5.1"),
    "-i", join(dir, "en.srt"), "-i", join(dir, "de.ass"), "-f", "sup", "-i", join(dir, "fr.sup"),
    "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s", "-map", "5:s",
    "-t", "6", ...X264, "-c:a", "aac", "-b:a:0", "96k", "-b:a:1", "256k", "-c:s:0", "srt", "-c:s:1", "ass", "-c:s:2", "copy",
    "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=ger",
    "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=ger", "-metadata:s:s:2", "language=fre",
    "-disposition:a:0", "default", "-disposition:a:1", "0", "-disposition:s:0", "0", "-disposition:s:1", "0", "-disposition:s:2", "0",
    out,
  ]);
  return out;
}

/** MP4: English stereo AAC and English mov_text subtitles. */
export async function movTextMp4(dir: string, name = "mov-text.mp4"): Promise<string> {
  await writeFile(join(dir, "en-mp4.srt"), srt("en"));
  const out = join(dir, name);
  await run("ffmpeg", [
    ...L, ...VIDEO, ...tone(440, "stereo"), "-i", join(dir, "en-mp4.srt"),
    "-map", "0:v", "-map", "1:a", "-map", "2:s", "-t", "6", ...X264, "-c:a", "aac", "-b:a", "96k", "-c:s", "mov_text",
    "-metadata:s:a:0", "language=eng", "-metadata:s:s:0", "language=eng",
    out,
  ]);
  return out;
}

/** MKV: German stereo AAC (880 Hz) first, English stereo AAC (440 Hz) second, marked default. */
export async function defaultSecondMkv(dir: string, name = "default-second.mkv"): Promise<string> {
  const out = join(dir, name);
  await run("ffmpeg", [
    ...L, ...VIDEO, ...tone(880, "stereo"), ...tone(440, "stereo"), "-map", "0:v", "-map", "1:a", "-map", "2:a", "-t", "6", ...X264,
    "-c:a", "aac", "-b:a", "96k", "-metadata:s:a:0", "language=ger", "-metadata:s:a:1", "language=eng",
    "-disposition:a:0", "0", "-disposition:a:1", "default", out,
  ]);
  return out;
}

/** The tone of a file's (or an HLS playlist's) first audio stream in Hz, from zero crossings of its mono mix, and its channels. */
export async function toneOf(input: string): Promise<{ channels: number; hz: number }> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels", "-of", "csv=p=0", input]);
  const pcm = await new Promise<Buffer>((resolve, reject) => {
    execFile("ffmpeg", ["-v", "error", "-i", input, "-map", "0:a:0", "-ac", "1", "-f", "f32le", "-ar", "48000", "pipe:1"], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, pcmOut) => (error ? reject(error) : resolve(pcmOut)));
  });
  const samples = new Float32Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 4));
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return { channels: Number(stdout.trim().split("\n")[0]), hz: crossings / 2 / (samples.length / 48000) };
}

/** Audio only (M4A): English stereo AAC (440 Hz, first) and German stereo AAC (880 Hz). */
export async function twoLanguageM4a(dir: string, name = "two-languages.m4a"): Promise<string> {
  const out = join(dir, name);
  await run("ffmpeg", [
    ...L, ...tone(440, "stereo"), ...tone(880, "stereo"), "-map", "0:a", "-map", "1:a", "-t", "6", "-c:a", "aac", "-b:a", "96k",
    "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=ger", out,
  ]);
  return out;
}
