// Every audio language and the text subtitles, packaged for real with ffmpeg from generated sources
// (tests/helpers/track-media.ts) and read back: the master's EXT-X-MEDIA lines, the WebVTT files and
// their timing header, meta.json's renditions, the PGS warning, and ffmpeg as an HLS client playing
// each audio rendition (the English one at 440 Hz, the German ones at 880 Hz).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePackageMeta } from "@edgestream/contracts";
import { CUES, movTextMp4, multiTrackMkv, toneOf } from "../../tests/helpers/track-media.ts";
import { packageVod, type PackageResult } from "./package-vod.ts";

const run = promisify(execFile);

let dir: string;
let multi: PackageResult;
let movText: PackageResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-tracks-"));
  const [mkv, mp4] = [await multiTrackMkv(dir), await movTextMp4(dir)];
  multi = await packageVod({ input: mkv, outDir: join(dir, "multi"), ladder: [180], hwaccel: "software", thumbnails: false });
  movText = await packageVod({ input: mp4, outDir: join(dir, "mov-text"), ladder: [180], hwaccel: "software", thumbnails: false });
}, 240_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const text = (result: PackageResult, path: string) => readFile(join(result.outDir, path), "utf8");

/** The first video timestamp of the main rendition in 90 kHz units, as a player reads it (init + first segment). */
async function firstVideoTimestamp(result: PackageResult): Promise<number> {
  const folder = join(result.outDir, "180p");
  const playlist = await readFile(join(folder, "index.m3u8"), "utf8");
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)![1]!;
  const first = playlist.split("\n").find((line) => line.endsWith(".m4s"))!;
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=start_time", "-of", "csv=p=0", `concat:${init}|${first}`], { cwd: folder });
  return Math.round(Number(stdout.trim()) * 90_000);
}

describe("packaging every audio language and the text subtitles", () => {
  it("announces every audio rendition and both text subtitle tracks in the master", async () => {
    const master = (await text(multi, "master.m3u8")).split("\n");
    expect(master.filter((line) => line.startsWith("#EXT-X-MEDIA:"))).toEqual([
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="German (stereo)",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio_1/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="German (5.1)",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="6",URI="audio_2/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs_0/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="de",NAME="German",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs_1/index.m3u8"',
    ]);
    const variant = master.find((line) => line.startsWith("#EXT-X-STREAM-INF:"))!;
    const meta = multi.meta.renditions;
    const video = meta.find((r) => r.kind === "video")!;
    const largestAudio = Math.max(...meta.filter((r) => r.kind === "audio").map((r) => r.peakBps));
    expect(largestAudio).toBe(meta.find((r) => r.name === "audio_2")!.peakBps); // the 5.1 one, not the default
    expect(variant).toContain(`BANDWIDTH=${video.peakBps + largestAudio},`);
    expect(variant).toContain(`CODECS="${video.codecs},mp4a.40.2"`);
    expect(variant).toMatch(/,AUDIO="audio",SUBTITLES="subs"$/);
  });

  it("warns, naming the stream, about the PGS subtitles it cannot convert", () => {
    expect(multi.warnings).toEqual(["skipped: image-based subtitles in stream 5 (language fr, codec hdmv_pgs_subtitle): pictures cannot become WebVTT text"]);
    expect(multi.meta.warnings).toEqual(multi.warnings);
  });

  it("writes each text track as one WebVTT file with the timestamp map of the video and a one-segment playlist", async () => {
    const mpegts = await firstVideoTimestamp(multi);
    const english = await text(multi, "subs_0/subtitles.vtt");
    const german = await text(multi, "subs_1/subtitles.vtt");
    const cue = String.raw`(\d\d:\d\d\.\d{3}) --> (\d\d:\d\d\.\d{3})`;
    expect(english).toMatch(new RegExp(`^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${mpegts},LOCAL:00:00:00\\.000\n\n${cue}\n${CUES[0].text.en}\n\n${cue}\n${CUES[1].text.en}\n$`));
    expect(german).toMatch(new RegExp(`^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${mpegts},LOCAL:00:00:00\\.000\n\n${cue}\n<b>${CUES[0].text.de}</b>\n\n${cue}\n<b>${CUES[1].text.de}</b>\n$`));
    // The MKV's AAC priming shifts everything by the same few ms; the cues keep the source's times within a frame.
    const starts = [...english.matchAll(new RegExp(cue, "g"))].map((m) => [m[1], m[2]].map((t) => Number(t!.slice(0, 2)) * 60 + Number(t!.slice(3))));
    starts.forEach(([start, end], i) => {
      expect(Math.abs(start! - CUES[i]!.start)).toBeLessThan(0.04);
      expect(Math.abs(end! - CUES[i]!.end)).toBeLessThan(0.04);
    });
    const duration = multi.info.durationSec;
    expect(await text(multi, "subs_0/index.m3u8")).toBe(
      `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${Math.ceil(duration)}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:${duration.toFixed(3)},\nsubtitles.vtt\n#EXT-X-ENDLIST\n`,
    );
  });

  it("converts mov_text from an MP4 with the cues at the source's exact times", async () => {
    expect(await text(movText, "subs_0/subtitles.vtt")).toBe(
      `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${await firstVideoTimestamp(movText)},LOCAL:00:00:00.000\n\n00:01.000 --> 00:03.000\n${CUES[0].text.en}\n\n00:04.000 --> 00:05.500\n${CUES[1].text.en}\n`,
    );
    expect(movText.warnings).toEqual([]);
  });

  it("describes every rendition in meta.json (v4) with language, title, default, forced", async () => {
    const meta = parsePackageMeta(await text(multi, "meta.json"), "meta.json");
    expect(meta.version).toBe(4);
    expect(meta.renditions.map(({ name, kind, playlist, codecs, channels, language, title, default: isDefault, forced, role, mode, segments }) => ({ name, kind, playlist, codecs, channels, language, title, default: isDefault, forced, role, mode, segments }))).toEqual([
      { name: "180p", kind: "video", playlist: "180p/index.m3u8", codecs: expect.stringMatching(/^avc1\./), channels: undefined, language: undefined, title: undefined, default: undefined, forced: undefined, role: undefined, mode: "copy", segments: 2 },
      { name: "audio", kind: "audio", playlist: "audio/index.m3u8", codecs: "mp4a.40.2", channels: 2, language: "en", title: "English", default: true, forced: undefined, role: undefined, mode: "copy", segments: 2 },
      { name: "audio_1", kind: "audio", playlist: "audio_1/index.m3u8", codecs: "mp4a.40.2", channels: 2, language: "de", title: "German (stereo)", default: false, forced: undefined, role: undefined, mode: "transcode", segments: 2 },
      { name: "audio_2", kind: "audio", playlist: "audio_2/index.m3u8", codecs: "mp4a.40.2", channels: 6, language: "de", title: "German (5.1)", default: false, forced: undefined, role: undefined, mode: "copy", segments: 2 },
      { name: "subs_0", kind: "subtitle", playlist: "subs_0/index.m3u8", codecs: "wvtt", channels: undefined, language: "en", title: "English", default: false, forced: false, role: undefined, mode: "transcode", segments: 1 },
      { name: "subs_1", kind: "subtitle", playlist: "subs_1/index.m3u8", codecs: "wvtt", channels: undefined, language: "de", title: "German", default: false, forced: false, role: undefined, mode: "transcode", segments: 1 },
    ]);
  });

  it("gives ffmpeg, as an HLS client, each audio rendition: English at 440 Hz, German stereo and 5.1 at 880 Hz", async () => {
    const played = await Promise.all(["audio", "audio_1", "audio_2"].map((name) => toneOf(join(multi.outDir, name, "index.m3u8"))));
    expect(played.map((p) => p.channels)).toEqual([2, 2, 6]);
    // To the nearest 110 Hz: an octave apart, so the English and German tones cannot be mistaken.
    expect(played.map((p) => Math.round(p.hz / 110) * 110)).toEqual([440, 880, 880]);
  });
});
