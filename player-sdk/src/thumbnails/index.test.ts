// The thumbnail track as the transcode node writes it (thumbnails.ts: one cue per interval, sprite
// sheets of columns × rows) and as the worker serves it (every image URI signed).
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadThumbnails, parseThumbnailTrack } from "./index.ts";

const TRACK = [
  "WEBVTT",
  "",
  "00:00:00.000 --> 00:00:04.000",
  "sprite-001.jpg?sig=T#xywh=0,0,160,90",
  "",
  "00:00:04.000 --> 00:00:08.000",
  "sprite-001.jpg?sig=T#xywh=160,0,160,90",
  "",
  "00:00:08.000 --> 00:00:10.500",
  "https://cdn.example/sprite-002.jpg#xywh=0,90,160,90",
  "",
].join("\r\n");
const TRACK_URL = "https://api.example/hls/v1/thumbnails/thumbnails.vtt?sig=T";

afterEach(() => vi.unstubAllGlobals());

describe("thumbnail track", () => {
  it("answers the sprite and rectangle for a time, resolved against the track's URL", () => {
    const track = parseThumbnailTrack(TRACK, TRACK_URL);
    expect(track.cues).toHaveLength(3);
    expect(track.thumbnailAt(0)).toEqual({ url: "https://api.example/hls/v1/thumbnails/sprite-001.jpg?sig=T", x: 0, y: 0, w: 160, h: 90, start: 0, end: 4 });
    expect(track.thumbnailAt(5.2)).toMatchObject({ x: 160, y: 0, start: 4, end: 8 });
    expect(track.thumbnailAt(4)).toMatchObject({ x: 160, start: 4 });
    expect(track.thumbnailAt(10.4)).toMatchObject({ url: "https://cdn.example/sprite-002.jpg", x: 0, y: 90 });
  });

  it("answers null outside every cue", () => {
    const track = parseThumbnailTrack(TRACK, TRACK_URL);
    expect(track.thumbnailAt(-1)).toBeNull();
    expect(track.thumbnailAt(10.5)).toBeNull();
    expect(parseThumbnailTrack("WEBVTT\n", TRACK_URL).thumbnailAt(1)).toBeNull();
  });

  it("reads hour-long timestamps", () => {
    const track = parseThumbnailTrack("WEBVTT\n\n01:02:03.500 --> 01:02:07.500\ns.jpg#xywh=1,2,3,4\n", TRACK_URL);
    expect(track.thumbnailAt(3723.5 + 1)).toMatchObject({ x: 1, y: 2, w: 3, h: 4, start: 3723.5, end: 3727.5 });
  });

  it("refuses what is not a WebVTT track", () => {
    expect(() => parseThumbnailTrack("<html>", TRACK_URL)).toThrow(/not a WebVTT thumbnail track/);
  });

  it("fetches the signed track and says so when it cannot", async () => {
    vi.stubGlobal("fetch", vi.fn(async (url: string) => (url.includes("gone") ? new Response("", { status: 410 }) : new Response(TRACK))));
    expect((await loadThumbnails(TRACK_URL)).thumbnailAt(1)?.url).toBe("https://api.example/hls/v1/thumbnails/sprite-001.jpg?sig=T");
    await expect(loadThumbnails("https://api.example/gone.vtt")).rejects.toThrow(/HTTP 410/);
  });
});
