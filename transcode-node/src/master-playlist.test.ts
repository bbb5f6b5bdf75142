import { describe, expect, it } from "vitest";
import { buildMasterPlaylist, type MeasuredRendition } from "./master-playlist.ts";

const video: MeasuredRendition = { name: "720p", kind: "video", playlist: "720p/index.m3u8", peakBps: 2_000_000, averageBps: 1_500_000, segments: 3, durationSec: 10, codecs: "avc1.64001F", width: 1280, height: 720, frameRate: 25 };
const audio = (over: Partial<MeasuredRendition>): MeasuredRendition => ({ name: "audio", kind: "audio", playlist: "audio/index.m3u8", peakBps: 130_000, averageBps: 128_000, segments: 3, durationSec: 10, codecs: "mp4a.40.2", channels: 2, ...over });
const subs = (over: Partial<MeasuredRendition>): MeasuredRendition => ({ name: "subs_0", kind: "subtitle", playlist: "subs_0/index.m3u8", peakBps: 200, averageBps: 200, segments: 1, durationSec: 10, codecs: "wvtt", ...over });

describe("buildMasterPlaylist with tracks", () => {
  it("keeps the master of a single unnamed audio track and no subtitles as it always was", () => {
    expect(buildMasterPlaylist([video, audio({ language: "und", title: "default", default: true })], "fmp4")).toBe(
      [
        "#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS",
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="default",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=2130000,AVERAGE-BANDWIDTH=1628000,CODECS="avc1.64001F,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000,AUDIO="audio"',
        "720p/index.m3u8", "",
      ].join("\n"),
    );
  });

  it("lists every audio and subtitle rendition; variants count the largest audio and every audio codec", () => {
    const master = buildMasterPlaylist(
      [
        video,
        audio({ language: "en", title: "English", default: true }),
        audio({ name: "audio_1", playlist: "audio_1/index.m3u8", codecs: "mp4a.40.5", language: "en", title: "English — commentary", default: false, role: "commentary", peakBps: 70_000, averageBps: 64_000 }),
        audio({ name: "audio_2", playlist: "audio_2/index.m3u8", language: "de", title: "German (5.1)", default: false, channels: 6, peakBps: 390_000, averageBps: 384_000 }),
        audio({ name: "audio_3", playlist: "audio_3/index.m3u8", language: "en", title: 'Say "described"', default: false, role: "description" }),
        subs({ language: "en", title: "English", default: true, forced: false }),
        subs({ name: "subs_1", playlist: "subs_1/index.m3u8", language: "en", title: "English — SDH", default: false, forced: false, role: "hearing-impaired" }),
        subs({ name: "subs_2", playlist: "subs_2/index.m3u8", language: "und", title: "Subtitles 3", default: false, forced: true }),
      ],
      "ts",
    );
    expect(master.split("\n")).toEqual([
      "#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English — commentary",DEFAULT=NO,AUTOSELECT=NO,CHANNELS="2",CHARACTERISTICS="com.edgestream.commentary",URI="audio_1/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="German (5.1)",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="6",URI="audio_2/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="Say \'described\'",DEFAULT=NO,AUTOSELECT=NO,CHANNELS="2",CHARACTERISTICS="public.accessibility.describes-video",URI="audio_3/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subs_0/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English — SDH",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,CHARACTERISTICS="public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound",URI="subs_1/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Subtitles 3",DEFAULT=NO,AUTOSELECT=YES,FORCED=YES,URI="subs_2/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=2390000,AVERAGE-BANDWIDTH=1884000,CODECS="avc1.64001F,mp4a.40.2,mp4a.40.5",RESOLUTION=1280x720,FRAME-RATE=25.000,AUDIO="audio",SUBTITLES="subs"',
      "720p/index.m3u8", "",
    ]);
  });

  it("audio only: one audio rendition keeps its plain variant; several get the group and the default as the variant", () => {
    expect(buildMasterPlaylist([audio({ language: "en", title: "English", default: true })], "fmp4")).toBe(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=130000,AVERAGE-BANDWIDTH=128000,CODECS="mp4a.40.2"\naudio/index.m3u8\n',
    );
    const master = buildMasterPlaylist([audio({ language: "en", title: "English", default: true }), audio({ name: "audio_1", playlist: "audio_1/index.m3u8", language: "de", title: "German", default: false, peakBps: 200_000, averageBps: 190_000 })], "fmp4");
    expect(master.split("\n").slice(3)).toEqual([
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="German",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio_1/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=200000,AVERAGE-BANDWIDTH=190000,CODECS="mp4a.40.2",AUDIO="audio"',
      "audio/index.m3u8", "",
    ]);
  });
});
