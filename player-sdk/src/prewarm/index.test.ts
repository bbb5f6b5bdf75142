// prewarm() against a stubbed worker (the real one: tests/e2e/library.test.ts, where the session
// must be running before play).
import { afterEach, describe, expect, it, vi } from "vitest";
import { firstRenditions, firstSegments, prewarm } from "./index.ts";

const MASTER = [
  "#EXTM3U",
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="audio/index.m3u8?sig=T"',
  '#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,AUDIO="aud"',
  "720p/index.m3u8?sig=T",
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO="aud"',
  "360p/index.m3u8?sig=T",
].join("\n");
const MEDIA = ["#EXTM3U", '#EXT-X-MAP:URI="init_0.mp4?sig=T"', "#EXTINF:4.0,", "seg_00000.m4s?sig=T", "#EXTINF:4.0,", "seg_00001.m4s?sig=T", "#EXT-X-ENDLIST"].join("\n");
const BASE = "https://api.example/hls/v1/master.m3u8?sig=T";

afterEach(() => vi.unstubAllGlobals());

describe("prewarm", () => {
  it("finds the first variant and the default audio rendition of a master playlist", () => {
    expect(firstRenditions(MASTER, BASE)).toEqual(["https://api.example/hls/v1/720p/index.m3u8?sig=T", "https://api.example/hls/v1/audio/index.m3u8?sig=T"]);
  });

  it("finds the init segment and the first segment of a media playlist", () => {
    expect(firstSegments(MEDIA, "https://api.example/hls/v1/720p/index.m3u8?sig=T")).toEqual([
      "https://api.example/hls/v1/720p/init_0.mp4?sig=T",
      "https://api.example/hls/v1/720p/seg_00000.m4s?sig=T",
    ]);
  });

  it("asks /stream, fetches master, first playlists and first segments, and hands the answer on for createPlayer", async () => {
    const stream = { status: "ready", manifestUrl: BASE, expiresAt: "2099-01-01T00:00:00Z", sessionId: "s1" };
    const fetchMock = vi.fn(async (url: URL | string) => {
      const path = new URL(String(url)).pathname;
      if (path.endsWith("/stream")) return Response.json(stream);
      if (path.endsWith("master.m3u8")) return new Response(MASTER);
      if (path.endsWith("index.m3u8")) return new Response(MEDIA);
      return new Response(new Uint8Array(8));
    });
    vi.stubGlobal("fetch", fetchMock);
    const warm = await prewarm("v1", { apiBase: "https://api.example", token: "JWT" });
    // prewarm=1: the node ranks the session it starts below a playing viewer's.
    expect(String(fetchMock.mock.calls[0]![0])).toBe("https://api.example/api/videos/v1/stream?prewarm=1");
    expect(warm.fetched.map((u) => new URL(u).pathname).sort()).toEqual(
      ["master.m3u8", "720p/index.m3u8", "720p/init_0.mp4", "720p/seg_00000.m4s", "audio/index.m3u8", "audio/init_0.mp4", "audio/seg_00000.m4s"].map((p) => `/hls/v1/${p}`).sort(),
    );
    expect(warm.playerOptions).toEqual({ videoId: "v1", apiBase: "https://api.example", token: "JWT", stream });
  });

  it("fetches nothing more for a video still generating without a session", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ status: "generating", progress: 0.2, retryAfter: 2, sessionId: "s1" }, { status: 202 })));
    const warm = await prewarm("v1", { token: "JWT", apiBase: "https://api.example" });
    expect(warm.fetched).toEqual([]);
    expect(warm.stream.status).toBe("generating");
  });
});
