import { describe, expect, it } from "vitest";
import { MAX_AUDIO_STREAMS, audioTracksOf, limitAudioStreams, planAudioTracks } from "./audio-tracks.ts";
import type { AudioStreamInfo } from "./media-info.ts";

const none = { default: false, comment: false, visualImpaired: false, dub: false, original: false };
const stream = (over: Partial<AudioStreamInfo>): AudioStreamInfo => ({ index: 1, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000, dispositions: none, ...over });

describe("planAudioTracks", () => {
  it("one rendition per stream in the probe's order (default first); a surround stream also as AAC 5.1", () => {
    const tracks = planAudioTracks([
      stream({ index: 2, language: "eng", dispositions: { ...none, default: true } }),
      stream({ index: 1, language: "ger", channels: 6, channelLayout: "5.1" }),
      stream({ index: 3, codec: "ac3", profile: undefined, language: "fre", channels: 6 }),
    ]);
    expect(tracks).toEqual([
      { name: "audio", sourceIndex: 2, language: "en", title: "English", default: true, encode: { mode: "copy", codecs: "mp4a.40.2", channels: 2 } },
      { name: "audio_1", sourceIndex: 1, language: "de", title: "German (stereo)", default: false, encode: { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "6-channel AAC is downmixed to stereo" } },
      { name: "audio_2", sourceIndex: 1, language: "de", title: "German (5.1)", default: false, encode: { mode: "copy", codecs: "mp4a.40.2", channels: 6 } },
      { name: "audio_3", sourceIndex: 3, language: "fr", title: "French (stereo)", default: false, encode: { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 128, channels: 2, sampleRate: 48000, reason: "ac3 audio is not playable in every browser" } },
      { name: "audio_4", sourceIndex: 3, language: "fr", title: "French (5.1)", default: false, encode: { mode: "transcode", codecs: "mp4a.40.2", bitrateKbps: 384, channels: 6, sampleRate: 48000, reason: "6-channel ac3 is encoded as AAC 5.1" } },
    ]);
  });

  it("labels commentary and descriptions from dispositions; a title tag wins; names stay unique", () => {
    const tracks = planAudioTracks([
      stream({ language: "eng" }),
      stream({ index: 2, language: "eng", dispositions: { ...none, comment: true } }),
      stream({ index: 3, language: "eng", dispositions: { ...none, visualImpaired: true } }),
      stream({ index: 4, language: "eng", title: "Director" }),
      stream({ index: 5, language: "eng", title: "Director" }),
    ]);
    expect(tracks.map((t) => [t.title, t.role])).toEqual([
      ["English", undefined],
      ["English — commentary", "commentary"],
      ["English — audio description", "description"],
      ["Director", undefined],
      ["Director 2", undefined],
    ]);
  });

  it("a lone unnamed track is called 'default' as packages always had it; several are numbered", () => {
    expect(planAudioTracks([stream({})]).map((t) => [t.title, t.language])).toEqual([["default", undefined]]);
    expect(planAudioTracks([stream({}), stream({ index: 2, language: "und" })]).map((t) => t.title)).toEqual(["Audio 1", "Audio 2"]);
  });

  it("reads a hand-made plan with only `audio` as one track of the file's first audio stream", () => {
    const encode = { mode: "copy", codecs: "mp4a.40.2", channels: 2 } as const;
    expect(audioTracksOf({ audio: encode })).toEqual([{ name: "audio", encode, title: "default", default: true }]);
    expect(audioTracksOf({ audio: null })).toEqual([]);
  });
});

describe("limitAudioStreams with hundreds of audio streams", () => {
  it("keeps the first MAX_AUDIO_STREAMS (default first) and names each stream it leaves out", () => {
    const streams = Array.from({ length: 200 }, (_, i) => stream({ index: i + 1, codec: "mp3" }));
    const { kept, skipped } = limitAudioStreams(streams);
    expect(kept).toEqual(streams.slice(0, MAX_AUDIO_STREAMS));
    expect(skipped).toHaveLength(200 - MAX_AUDIO_STREAMS);
    expect(skipped[0]).toBe(`skipped: audio in stream ${MAX_AUDIO_STREAMS + 1} (language und, codec mp3): a package carries at most ${MAX_AUDIO_STREAMS} audio streams`);
    expect(planAudioTracks(kept)).toHaveLength(MAX_AUDIO_STREAMS);
  });
});
