// A package with two audio languages and English subtitles, built in the test without the packager:
// ffmpeg writes the fMP4 video and audio renditions (a 440 Hz English and an 880 Hz French tone), the
// subtitle playlist, its WebVTT file and the master are written here, in the layout and names of
// the contracts, with a meta.json so the worker registers the folder as a ready video.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { audioRenditionName, ffmpegSegmentPattern, INIT_SEGMENT, MASTER_PLAYLIST, MEDIA_PLAYLIST, META_FILE, SUBTITLE_FILE, SUBTITLE_GROUP, subtitleRenditionName, AUDIO_RENDITION } from "@edgestream/contracts";
import { samplePackageMeta } from "@edgestream/contracts/testing/package-meta-fixture";
import { runCommand } from "./run-command.ts";

export const HAND_PACKAGE_SECONDS = 8;
/** The subtitle cues, as the WebVTT file has them (seconds). */
export const HAND_PACKAGE_CUES = [
  { start: 1, end: 3, text: "First cue" },
  { start: 4, end: 7, text: "Second cue" },
];
export const HAND_PACKAGE_AUDIO = [
  { language: "en", name: "English", tone: 440 },
  { language: "fr", name: "Français", tone: 880 },
];

const VIDEO = "360p";
const hlsOutput = (folder: string, out: string) => [
  "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
  "-hls_fmp4_init_filename", INIT_SEGMENT, "-hls_segment_filename", join(out, folder, ffmpegSegmentPattern()), join(out, folder, MEDIA_PLAYLIST),
];
const vttTime = (seconds: number) => `00:00:0${seconds}.000`;

/** Writes the package into `out` (a folder named as its storage prefix). */
export async function writeHandTracksPackage(out: string): Promise<void> {
  const audio = HAND_PACKAGE_AUDIO.map((a, i) => ({ ...a, folder: audioRenditionName(i) }));
  const subs = subtitleRenditionName(0);
  for (const folder of [VIDEO, ...audio.map((a) => a.folder), subs]) await mkdir(join(out, folder), { recursive: true });
  const d = String(HAND_PACKAGE_SECONDS);
  await runCommand("ffmpeg", [
    "-hide_banner", "-loglevel", "error",
    "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=25:duration=${d}`,
    ...audio.flatMap((a) => ["-f", "lavfi", "-i", `sine=frequency=${a.tone}:duration=${d}`]),
    "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
    ...hlsOutput(VIDEO, out),
    ...audio.flatMap((a, i) => ["-map", `${i + 1}:a`, "-c:a", "aac", "-ac", "2", "-b:a", "64k", ...hlsOutput(a.folder, out)]),
  ], out);
  const cues = HAND_PACKAGE_CUES.map((c) => `${vttTime(c.start)} --> ${vttTime(c.end)}\n${c.text}\n`).join("\n");
  // The video's first PTS is 0 (no B-frames, no offset): cue times are media times.
  await writeFile(join(out, subs, SUBTITLE_FILE), `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n${cues}`);
  await writeFile(
    join(out, subs, MEDIA_PLAYLIST),
    `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${d}\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:${d}.0,\n${SUBTITLE_FILE}\n#EXT-X-ENDLIST\n`,
  );
  await writeFile(
    join(out, MASTER_PLAYLIST),
    [
      "#EXTM3U",
      "#EXT-X-VERSION:7",
      "#EXT-X-INDEPENDENT-SEGMENTS",
      ...audio.map((a, i) => `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_RENDITION}",NAME="${a.name}",LANGUAGE="${a.language}",DEFAULT=${i ? "NO" : "YES"},AUTOSELECT=YES,CHANNELS="2",URI="${a.folder}/${MEDIA_PLAYLIST}"`),
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLE_GROUP}",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="${subs}/${MEDIA_PLAYLIST}"`,
      `#EXT-X-STREAM-INF:BANDWIDTH=400000,AVERAGE-BANDWIDTH=300000,CODECS="avc1.42c00d,mp4a.40.2",RESOLUTION=320x180,FRAME-RATE=25,AUDIO="${AUDIO_RENDITION}",SUBTITLES="${SUBTITLE_GROUP}"`,
      `${VIDEO}/${MEDIA_PLAYLIST}`,
      "",
    ].join("\n"),
  );
  const common = { segments: 4, durationSec: HAND_PACKAGE_SECONDS, mode: "transcode" as const };
  const meta = samplePackageMeta({
    renditions: [
      { ...common, name: VIDEO, kind: "video", playlist: `${VIDEO}/${MEDIA_PLAYLIST}`, peakBps: 400_000, averageBps: 300_000, codecs: "avc1.42c00d", width: 320, height: 180, frameRate: 25 },
      ...audio.map((a, i) => ({ ...common, name: a.folder, kind: "audio" as const, playlist: `${a.folder}/${MEDIA_PLAYLIST}`, peakBps: 70_000, averageBps: 64_000, codecs: "mp4a.40.2", channels: 2, language: a.language, title: a.name, default: i === 0 })),
      { ...common, segments: 1, name: subs, kind: "subtitle", playlist: `${subs}/${MEDIA_PLAYLIST}`, peakBps: 1000, averageBps: 1000, codecs: "wvtt", language: "en", title: "English" },
    ],
  });
  await writeFile(join(out, META_FILE), JSON.stringify(meta));
}
