// @vitest-environment happy-dom
// The MPD builder on hand-built rendition lists: what meta.json v4 records for a film with several
// audio languages, a stereo/5.1 pair, a commentary and subtitles, read back with an XML parser.
import { describe, expect, it } from "vitest";
import { parseSegmentName, segmentName } from "@edgestream/contracts";
import { buildMpd, DASH_SEGMENT_TEMPLATE, frameRate, sameBoundaries, type PackageRendition } from "./mpd-builder.ts";
import type { RenditionTimeline } from "./rendition-timeline.ts";

const base = { peakBps: 1000, averageBps: 900, segments: 3, durationSec: 10, mode: "copy" as const };
const video = (name: string, height: number): PackageRendition => ({ ...base, name, kind: "video", playlist: `${name}/index.m3u8`, codecs: "avc1.64001F", width: (height * 16) / 9, height, frameRate: 29.97 });
const audio = (name: string, extra: Partial<PackageRendition>): PackageRendition => ({ ...base, name, kind: "audio", playlist: `${name}/index.m3u8`, codecs: "mp4a.40.2", channels: 2, ...extra });
const subs = (name: string, extra: Partial<PackageRendition>): PackageRendition => ({ ...base, name, kind: "subtitle", playlist: `${name}/index.m3u8`, codecs: "wvtt", ...extra });

/** A timeline of segments of the given lengths in seconds, from 0. */
function timeline(init: string, timescale: number, seconds: number[]): RenditionTimeline {
  let t = 0;
  const segments = seconds.map((s) => {
    const entry = { start: t, duration: Math.round(s * timescale) };
    t += entry.duration;
    return entry;
  });
  return { init, timescale, startNumber: 0, segments };
}

const film: PackageRendition[] = [
  video("720p", 720),
  video("360p", 360),
  audio("audio", { language: "en", title: "English", default: true }),
  audio("audio_1", { language: "en", title: "English 5.1", channels: 6, codecs: "mp4a.40.2" }),
  audio("audio_2", { language: "fr", title: "Français" }),
  audio("audio_3", { language: "en", title: "Director's commentary", role: "commentary" }),
  subs("subs_0", { language: "en", title: "English <SDH>", role: "hearing-impaired" }),
  subs("subs_1", { language: "fr", title: "Français (forcé)", forced: true }),
];
const grid = [4, 4, 2];
const timelines = new Map<string, RenditionTimeline>([
  ["720p", timeline("init_0.mp4", 90000, grid)],
  ["360p", timeline("init_1.mp4", 15360, grid)],
  ...["audio", "audio_1", "audio_2", "audio_3"].map((name, i) => [name, timeline(`init_${i + 2}.mp4`, 48000, [4.011, 3.989, 2])] as [string, RenditionTimeline]),
]);

function parse(mpd: string): Document {
  const doc = new DOMParser().parseFromString(mpd, "application/xml");
  expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
  return doc;
}

const sets = (doc: Document) => [...doc.getElementsByTagName("AdaptationSet")];
const child = (el: Element, name: string) => [...el.children].find((c) => c.localName === name);

describe("buildMpd", () => {
  it("writes a static live-profile MPD with one Period lasting as long as the longest track", () => {
    const doc = parse(buildMpd(film, timelines));
    const mpd = doc.documentElement;
    expect(mpd.getAttribute("type")).toBe("static");
    expect(mpd.getAttribute("profiles")).toBe("urn:mpeg:dash:profile:isoff-live:2011");
    expect(mpd.getAttribute("mediaPresentationDuration")).toBe("PT10S");
    expect(doc.getElementsByTagName("Period")).toHaveLength(1);
  });

  it("puts every video rung in one aligned set, with exact timelines and templates relative to the MPD", () => {
    const doc = parse(buildMpd(film, timelines));
    const videoSet = sets(doc).find((s) => s.getAttribute("contentType") === "video")!;
    expect(videoSet.getAttribute("segmentAlignment")).toBe("true");
    const reps = [...videoSet.getElementsByTagName("Representation")];
    expect(reps.map((r) => [r.getAttribute("id"), r.getAttribute("height"), r.getAttribute("frameRate"), r.getAttribute("codecs")])).toEqual([
      ["720p", "720", "30000/1001", "avc1.64001F"],
      ["360p", "360", "30000/1001", "avc1.64001F"],
    ]);
    const template = reps[1]!.getElementsByTagName("SegmentTemplate")[0]!;
    expect(template.getAttribute("initialization")).toBe("360p/init_1.mp4");
    expect(template.getAttribute("media")).toBe("360p/seg_$Number%05d$.m4s");
    expect(template.getAttribute("timescale")).toBe("15360");
    expect([...template.getElementsByTagName("S")].map((s) => [s.getAttribute("t"), s.getAttribute("d"), s.getAttribute("r")])).toEqual([
      ["0", "61440", "1"],
      [null, "30720", null],
    ]);
  });

  it("leaves segmentAlignment out when the rungs cut at different instants", () => {
    const offGrid = new Map(timelines).set("720p", timeline("init_0.mp4", 90000, [5, 5]));
    const videoSet = sets(parse(buildMpd(film, offGrid))).find((s) => s.getAttribute("contentType") === "video")!;
    expect(videoSet.hasAttribute("segmentAlignment")).toBe(false);
  });

  it("groups audio by language, role and channel count, default first, with labels, roles and channel counts", () => {
    const audioSets = sets(parse(buildMpd(film, timelines))).filter((s) => s.getAttribute("contentType") === "audio");
    const described = audioSets.map((s) => ({
      lang: s.getAttribute("lang"),
      label: child(s, "Label")?.textContent,
      role: child(s, "Role")?.getAttribute("value"),
      reps: [...s.getElementsByTagName("Representation")].map((r) => `${r.getAttribute("id")}:${r.getElementsByTagName("AudioChannelConfiguration")[0]?.getAttribute("value")}`),
    }));
    expect(described).toEqual([
      // Stereo and 5.1 are not two bitrates of one thing (a player cannot switch between them seamlessly),
      // and each keeps its own label: a 5.1 rendition has a set of its own.
      { lang: "en", label: "English", role: "main", reps: ["audio:2"] },
      { lang: "en", label: "English 5.1", role: "alternate", reps: ["audio_1:6"] },
      { lang: "fr", label: "Français", role: "alternate", reps: ["audio_2:2"] },
      { lang: "en", label: "Director's commentary", role: "commentary", reps: ["audio_3:2"] },
    ]);
  });

  it("calls a lone audio track without a default disposition the main one", () => {
    const single = [video("720p", 720), audio("audio", {})];
    const audioSet = sets(parse(buildMpd(single, timelines))).find((s) => s.getAttribute("contentType") === "audio")!;
    expect(child(audioSet, "Role")?.getAttribute("value")).toBe("main");
    expect(audioSet.hasAttribute("lang")).toBe(false);
  });

  it("offers each WebVTT subtitle as a text set over its one file, escaped, with caption and forced roles", () => {
    const mpd = buildMpd(film, timelines);
    expect(mpd).toContain("English &#60;SDH&#62;");
    const textSets = sets(parse(mpd)).filter((s) => s.getAttribute("contentType") === "text");
    expect(textSets.map((s) => [s.getAttribute("mimeType"), s.getAttribute("lang"), child(s, "Label")?.textContent, child(s, "Role")?.getAttribute("value"), s.getElementsByTagName("BaseURL")[0]?.textContent])).toEqual([
      ["text/vtt", "en", "English <SDH>", "caption", "subs_0/subtitles.vtt"],
      ["text/vtt", "fr", "Français (forcé)", "forced-subtitle", "subs_1/subtitles.vtt"],
    ]);
  });

  it("refuses a media rendition it has no timeline for", () => {
    const missing = new Map(timelines);
    missing.delete("audio_2");
    expect(() => buildMpd(film, missing)).toThrow(/audio_2 has no segment timeline/);
  });
});

describe("the segment template", () => {
  it("names the same files as the contracts' segment names", () => {
    for (const n of [0, 7, 42, 99999]) {
      const name = DASH_SEGMENT_TEMPLATE.replace(/\$Number%0(\d+)d\$/, (_m, digits: string) => String(n).padStart(Number(digits), "0"));
      expect(name).toBe(segmentName(n));
      expect(parseSegmentName(name)).toBe(n);
    }
  });
});

describe("sameBoundaries", () => {
  it("compares cut instants in seconds across timescales, within a millisecond", () => {
    expect(sameBoundaries([timeline("a", 90000, [4, 4, 1]), timeline("b", 12800, [4, 4, 1])])).toBe(true);
    expect(sameBoundaries([timeline("a", 90000, [4, 4, 1]), timeline("b", 12800, [4, 4.0004, 1])])).toBe(true);
    expect(sameBoundaries([timeline("a", 90000, [4, 4, 1]), timeline("b", 12800, [4.04, 4, 1])])).toBe(false);
    expect(sameBoundaries([timeline("a", 90000, [4, 4, 1]), timeline("b", 12800, [4, 5])])).toBe(false);
  });
});

describe("frameRate", () => {
  it("writes DASH frame rates as integers or fractions", () => {
    expect([25, 29.97, 59.94, 23.976, 12.5].map(frameRate)).toEqual(["25", "30000/1001", "60000/1001", "24000/1001", "25/2"]);
  });
});
