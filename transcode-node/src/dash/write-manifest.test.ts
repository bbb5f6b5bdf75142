// @vitest-environment happy-dom
// The MPD of real packages (ffmpeg-made clip, the real packager): its timelines against the segments'
// own samples and the HLS playlists, segmentAlignment against the rungs' playlists, and ffprobe's DASH
// demuxer reading it. happy-dom only for DOMParser; the packaging runs in Node as always.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST } from "@edgestream/contracts";
import { ffprobeJson, parseMediaPlaylist } from "../../../tests/helpers/media.ts";
import { packageVod, type PackageResult } from "../package-vod.ts";
import { generateTestPattern } from "../test-pattern.ts";
import { sameBoundaries } from "./mpd-builder.ts";
import { readRenditionTimeline } from "./rendition-timeline.ts";

const FPS = 25;
const SECONDS = 9;
let dir: string;
let fmp4: PackageResult;
/** A source whose keyframes (every 2.5 s) are off the 4 s grid: its copied rung may cut elsewhere than the encoded one. */
let offGrid: PackageResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-dash-"));
  const source = join(dir, "clip.mp4");
  await generateTestPattern(source, { seconds: SECONDS, width: 640, height: 360, fps: FPS });
  // The top rung is copied, the lower one encoded: two timescales, one set of cut points.
  fmp4 = await packageVod({ input: source, outDir: join(dir, "fmp4"), ladder: [360, 180], thumbnails: false });
  const offGridSource = join(dir, "gop-2.5s.mp4");
  await generateTestPattern(offGridSource, { seconds: SECONDS, width: 640, height: 360, fps: 24, videoArgs: ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"] });
  offGrid = await packageVod({ input: offGridSource, outDir: join(dir, "off-grid"), ladder: [360, 180], thumbnails: false });
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

function parseMpd(text: string): Document {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
  return doc;
}

/** Each Representation's segments in seconds, expanded from its SegmentTimeline. */
function mpdSegments(rep: Element): { start: number; duration: number }[] {
  const template = rep.getElementsByTagName("SegmentTemplate")[0]!;
  const timescale = Number(template.getAttribute("timescale"));
  const out: { start: number; duration: number }[] = [];
  let t = 0;
  for (const s of template.getElementsByTagName("S")) {
    if (s.hasAttribute("t")) t = Number(s.getAttribute("t"));
    const d = Number(s.getAttribute("d"));
    for (let i = 0; i <= Number(s.getAttribute("r") ?? 0); i++, t += d) out.push({ start: t / timescale, duration: d / timescale });
  }
  return out;
}

describe("the packaged MPD", () => {
  it("is recorded in meta.json and names every video and audio rendition", async () => {
    expect(fmp4.meta.dash).toBe(DASH_MANIFEST);
    const doc = parseMpd(await readFile(join(fmp4.outDir, DASH_MANIFEST), "utf8"));
    const ids = [...doc.getElementsByTagName("Representation")].map((r) => r.getAttribute("id"));
    expect(ids).toEqual(fmp4.meta.renditions.map((r) => r.name));
    expect(fmp4.meta.renditions.map((r) => r.mode)).toEqual(["copy", "transcode", "copy"]);
  });

  it("times every segment as its samples do: the timelines add up to every frame, and match the playlists", async () => {
    const doc = parseMpd(await readFile(join(fmp4.outDir, DASH_MANIFEST), "utf8"));
    for (const rep of doc.getElementsByTagName("Representation")) {
      const name = rep.getAttribute("id")!;
      const segments = mpdSegments(rep);
      const playlist = parseMediaPlaylist(await readFile(join(fmp4.outDir, name, "index.m3u8"), "utf8"));
      expect(segments).toHaveLength(playlist.length);
      // EXTINF is rounded by ffmpeg; the MPD's figures are the samples' own, so they agree to well under a frame.
      segments.forEach((s, i) => expect(Math.abs(s.duration - playlist[i]!.duration)).toBeLessThan(0.01));
      // Back to back, no gap: each segment starts where the one before ended.
      segments.slice(1).forEach((s, i) => expect(s.start).toBeCloseTo(segments[i]!.start + segments[i]!.duration, 9));
    }
    // Video: exactly SECONDS × FPS frames of 1/FPS s each, read from the trun boxes.
    const top = await readRenditionTimeline(join(fmp4.outDir, "360p"));
    expect(top.segments.reduce((sum, s) => sum + s.duration, 0)).toBe((SECONDS * FPS * top.timescale) / FPS);
  });

  it.each([
    ["a source with keyframes on the grid", () => fmp4],
    ["a source with keyframes off the grid", () => offGrid],
  ])("declares segmentAlignment exactly when the rungs' playlists cut at the same instants: %s", async (_name, packaged) => {
    const { outDir, meta } = packaged();
    expect(meta.renditions.filter((r) => r.kind === "video").map((r) => r.mode)).toEqual(["copy", "transcode"]);
    const doc = parseMpd(await readFile(join(outDir, DASH_MANIFEST), "utf8"));
    const videoSet = [...doc.getElementsByTagName("AdaptationSet")].find((s) => s.getAttribute("contentType") === "video")!;
    const starts = await Promise.all(["360p", "180p"].map(async (name) => {
      let t = 0;
      return parseMediaPlaylist(await readFile(join(outDir, name, "index.m3u8"), "utf8")).map((s) => (t += s.duration) - s.duration);
    }));
    const playlistsAligned = starts[0]!.length === starts[1]!.length && starts[0]!.every((s, i) => Math.abs(s - starts[1]![i]!) < 0.01);
    expect(videoSet.getAttribute("segmentAlignment") === "true").toBe(playlistsAligned);
    expect(sameBoundaries(await Promise.all(["360p", "180p"].map((n) => readRenditionTimeline(join(outDir, n)))))).toBe(playlistsAligned);
  });

  it("is read by ffprobe's DASH demuxer: every representation, with the durations of the package", async () => {
    const probed = await ffprobeJson(join(fmp4.outDir, DASH_MANIFEST), ["-show_programs"]);
    const streams = probed.streams as { codec_type: string; height?: number }[];
    expect(streams.map((s) => s.codec_type).sort()).toEqual(["audio", "video", "video"]);
    expect(streams.filter((s) => s.codec_type === "video").map((s) => s.height).sort()).toEqual([180, 360]);
    expect(Number(probed.format.duration)).toBeCloseTo(SECONDS, 0);
  });

  it("is not written for MPEG-TS packages", async () => {
    const ts = await packageVod({ input: join(dir, "clip.mp4"), outDir: join(dir, "ts"), ladder: [180], segmentType: "ts", thumbnails: false });
    expect(ts.meta.dash).toBeNull();
    await expect(stat(join(ts.outDir, DASH_MANIFEST))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
