// A two-language film with subtitles for DASH tests, made from a packaged clip as meta.json v4
// describes such a package (until the packager maps every audio stream itself): the clip's own audio
// becomes the English default, ffmpeg encodes a French one into `audio_1/`, a WebVTT file goes to
// `subs_0/`, and the packager's DASH step writes the MPD again from those renditions.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { audioRenditionName, META_FILE, parsePackageMeta, SUBTITLE_FILE, subtitleRenditionName, type PackageMeta } from "@edgestream/contracts";
import { writeDashManifest } from "../../transcode-node/src/dash/write-manifest.ts";
import type { PackagedClip } from "./packaged-clip.ts";
import { runCommand } from "./run-command.ts";

/** The one subtitle cue the film's English track holds. */
export const FILM_CUE = { start: 1, end: 3, text: "Hello DASH" };

/** Writes the film into `folder` (a storage prefix's folder). */
export async function writeTwoLanguageFilm(folder: string, packaged: PackagedClip): Promise<void> {
  for (const [path, bytes] of packaged.files) {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), bytes);
  }
  const french = audioRenditionName(1);
  await mkdir(join(folder, french));
  await runCommand("ffmpeg", [
    "-v", "error", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-t", String(packaged.durationMs / 1000), "-c:a", "aac", "-b:a", "64k",
    "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4",
    "-hls_segment_filename", `${french}/seg_%05d.m4s`, `${french}/index.m3u8`,
  ], folder);
  const subs = subtitleRenditionName(0);
  await mkdir(join(folder, subs));
  await writeFile(join(folder, subs, SUBTITLE_FILE), `WEBVTT\n\n00:00:0${FILM_CUE.start}.000 --> 00:00:0${FILM_CUE.end}.000\n${FILM_CUE.text}\n`);
  const meta = parsePackageMeta(await readFile(join(folder, META_FILE), "utf8"), META_FILE);
  const english = meta.renditions.find((r) => r.kind === "audio")!;
  const renditions: PackageMeta["renditions"] = [
    ...meta.renditions.filter((r) => r.kind === "video"),
    { ...english, language: "en", title: "English", default: true },
    { ...english, name: french, playlist: `${french}/index.m3u8`, language: "fr", title: "Français", default: false, mode: "transcode" },
    { ...english, name: subs, kind: "subtitle", playlist: `${subs}/index.m3u8`, codecs: "wvtt", language: "en", title: "English", mode: "transcode" },
  ];
  const dash = await writeDashManifest(folder, renditions, "fmp4");
  await writeFile(join(folder, META_FILE), JSON.stringify({ ...meta, renditions, dash }));
}
