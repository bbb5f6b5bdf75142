import { describe, expect, it } from "vitest";
import type { SubtitleStreamInfo } from "../media-info.ts";
import { MAX_SUBTITLE_RENDITIONS, planSubtitles } from "./subtitle-plan.ts";

const none = { default: false, forced: false, hearingImpaired: false };
const sub = (over: Partial<SubtitleStreamInfo>): SubtitleStreamInfo => ({ index: 3, codec: "subrip", dispositions: none, ...over });

describe("planSubtitles", () => {
  it("makes a WebVTT rendition of every text stream and a warning naming every image or unknown one", () => {
    const { renditions, skipped } = planSubtitles([
      sub({ index: 3, language: "eng" }),
      sub({ index: 4, codec: "hdmv_pgs_subtitle", language: "fre" }),
      sub({ index: 5, codec: "ass", language: "ger", dispositions: { ...none, default: true } }),
      sub({ index: 6, codec: "dvd_subtitle" }),
      sub({ index: 7, codec: "mov_text", language: "eng", dispositions: { default: true, forced: true, hearingImpaired: false } }),
      sub({ index: 8, codec: "eia_608", language: "eng" }),
      sub({ index: 9, codec: "webvtt", language: "spa", title: "Spanish SDH", dispositions: { ...none, hearingImpaired: true } }),
    ]);
    expect(renditions).toEqual([
      { name: "subs_0", sourceIndex: 3, codec: "subrip", language: "en", title: "English", default: false, forced: false },
      { name: "subs_1", sourceIndex: 5, codec: "ass", language: "de", title: "German", default: true, forced: false },
      { name: "subs_2", sourceIndex: 7, codec: "mov_text", language: "en", title: "English (forced)", default: false, forced: true },
      { name: "subs_3", sourceIndex: 9, codec: "webvtt", language: "es", title: "Spanish SDH", default: false, forced: false, role: "hearing-impaired" },
    ]);
    expect(skipped).toEqual([
      "skipped: image-based subtitles in stream 4 (language fr, codec hdmv_pgs_subtitle): pictures cannot become WebVTT text",
      "skipped: image-based subtitles in stream 6 (language und, codec dvd_subtitle): pictures cannot become WebVTT text",
      "skipped: subtitles in stream 8 (language en, codec eia_608): a codec this packager does not convert",
    ]);
  });

  it("names an untagged track by number and an SDH one by its role", () => {
    const { renditions } = planSubtitles([sub({}), sub({ index: 4, language: "eng", dispositions: { ...none, hearingImpaired: true } })]);
    expect(renditions.map((r) => r.title)).toEqual(["Subtitles 1", "English — SDH"]);
  });
});

describe("planSubtitles with hundreds of text streams", () => {
  it("keeps the first MAX_SUBTITLE_RENDITIONS and names each stream it leaves out", () => {
    const streams = Array.from({ length: 300 }, (_, i) => sub({ index: i + 1 }));
    const { renditions, skipped } = planSubtitles(streams);
    expect(renditions).toHaveLength(MAX_SUBTITLE_RENDITIONS);
    expect(renditions.map((r) => r.sourceIndex)).toEqual(streams.slice(0, MAX_SUBTITLE_RENDITIONS).map((s) => s.index));
    expect(skipped).toHaveLength(300 - MAX_SUBTITLE_RENDITIONS);
    expect(skipped[0]).toBe(`skipped: subtitles in stream ${MAX_SUBTITLE_RENDITIONS + 1} (language und, codec subrip): a package carries at most ${MAX_SUBTITLE_RENDITIONS} subtitle tracks`);
  });
});
