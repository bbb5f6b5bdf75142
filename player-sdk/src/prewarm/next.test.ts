// prewarmNext() on a media element whose clock and buffer the test sets, against a fake worker (a
// fetch that counts requests): nothing while the current video is mid-way and still buffering, one
// pre-warm once it is buffered to its end or near it, one pre-warm in flight at a time.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { prewarmNext } from "./next.ts";

const MASTER = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8?sig=T\n";
const MEDIA = '#EXTM3U\n#EXT-X-MAP:URI="init_0.mp4?sig=T"\n#EXTINF:4.0,\nseg_00000.m4s?sig=T\n#EXT-X-ENDLIST\n';

/** A video element at `currentTime` of `duration`, buffered over [start, end]. */
function media(state: { duration: number; currentTime: number; buffered: [number, number] | null; ended?: boolean }): HTMLVideoElement & { set(s: Partial<typeof state>): void } {
  const video = document.createElement("video") as HTMLVideoElement & { set(s: Partial<typeof state>): void };
  const ranges = () => ({ length: state.buffered ? 1 : 0, start: () => state.buffered![0], end: () => state.buffered![1] });
  Object.defineProperties(video, {
    duration: { get: () => state.duration },
    currentTime: { get: () => state.currentTime },
    ended: { get: () => state.ended ?? false },
    buffered: { get: ranges },
  });
  video.set = (s) => Object.assign(state, s);
  return video;
}

let requests: string[];
/** Held /stream answers, released by the test (for the one-in-flight rule). */
let held: (() => void)[];
let hold: boolean;

beforeEach(() => {
  requests = [];
  held = [];
  hold = false;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: URL | string) => {
      const path = new URL(String(url)).pathname;
      requests.push(path);
      if (path.endsWith("/stream")) {
        if (hold) await new Promise<void>((resolve) => held.push(resolve));
        const id = path.split("/")[3]!;
        return Response.json({ status: "ready", manifestUrl: `https://api.example/hls/${id}/master.m3u8?sig=T`, expiresAt: "2099-01-01T00:00:00Z" });
      }
      if (path.endsWith("master.m3u8")) return new Response(MASTER);
      if (path.endsWith("index.m3u8")) return new Response(MEDIA);
      return new Response(new Uint8Array(8));
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const OPTIONS = { apiBase: "https://api.example", token: "JWT" };
const streamCalls = () => requests.filter((p) => p.endsWith("/stream"));

describe("prewarmNext", () => {
  it("fetches nothing while the current video is mid-way and still buffering", async () => {
    const video = media({ duration: 120, currentTime: 30, buffered: [0, 60] });
    const next = prewarmNext(video, "next1", OPTIONS);
    video.dispatchEvent(new Event("progress"));
    video.dispatchEvent(new Event("timeupdate"));
    await Promise.resolve();
    expect(requests).toEqual([]);
    expect(next.started).toBe(false);
    next.cancel();
    expect(await next.result).toBeNull();
  });

  it("waits for the buffer on a video shorter than any 'last seconds' window", async () => {
    const video = media({ duration: 4, currentTime: 0.2, buffered: [0, 2] });
    const next = prewarmNext(video, "next1", OPTIONS);
    video.dispatchEvent(new Event("timeupdate"));
    await Promise.resolve();
    expect(requests).toEqual([]);
    video.set({ buffered: [0, 4] });
    video.dispatchEvent(new Event("progress"));
    expect((await next.result)?.playerOptions.videoId).toBe("next1");
  });

  it("pre-warms the next video once, when the current one is buffered to its end", async () => {
    const video = media({ duration: 120, currentTime: 30, buffered: [0, 60] });
    const next = prewarmNext(video, "next1", OPTIONS);
    video.set({ buffered: [0, 120] });
    video.dispatchEvent(new Event("progress"));
    expect(next.started).toBe(true);
    const warm = await next.result;
    expect(warm?.playerOptions.videoId).toBe("next1");
    expect(requests).toEqual(["/api/videos/next1/stream", "/hls/next1/master.m3u8", "/hls/next1/360p/index.m3u8", "/hls/next1/360p/init_0.mp4", "/hls/next1/360p/seg_00000.m4s"]);
    video.dispatchEvent(new Event("progress"));
    video.dispatchEvent(new Event("timeupdate"));
    await Promise.resolve();
    expect(streamCalls()).toHaveLength(1);
  });

  it("pre-warms within the last seconds even with the buffer incomplete", async () => {
    const video = media({ duration: 120, currentTime: 100, buffered: [90, 105] });
    const next = prewarmNext(video, "next1", { ...OPTIONS, withinSeconds: 15 });
    video.dispatchEvent(new Event("timeupdate"));
    await Promise.resolve();
    expect(requests).toEqual([]);
    video.set({ currentTime: 106 });
    video.dispatchEvent(new Event("timeupdate"));
    expect((await next.result)?.playerOptions.videoId).toBe("next1");
  });

  it("runs one pre-warm at a time: the second starts when the first has finished", async () => {
    hold = true;
    const a = prewarmNext(media({ duration: 10, currentTime: 9, buffered: [0, 10] }), "nextA", OPTIONS);
    const b = prewarmNext(media({ duration: 10, currentTime: 9, buffered: [0, 10] }), "nextB", OPTIONS);
    await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 10_000 });
    expect(streamCalls()).toEqual(["/api/videos/nextA/stream"]);
    held.shift()!();
    expect((await a.result)?.playerOptions.videoId).toBe("nextA");
    await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 10_000 });
    expect(streamCalls()).toEqual(["/api/videos/nextA/stream", "/api/videos/nextB/stream"]);
    held.shift()!();
    expect((await b.result)?.playerOptions.videoId).toBe("nextB");
  });

  it("cancel() before the end leaves nothing to fetch later", async () => {
    const video = media({ duration: 120, currentTime: 30, buffered: [0, 60] });
    const next = prewarmNext(video, "next1", OPTIONS);
    next.cancel();
    video.set({ buffered: [0, 120], currentTime: 119 });
    video.dispatchEvent(new Event("progress"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(requests).toEqual([]);
    expect(await next.result).toBeNull();
  });
});
