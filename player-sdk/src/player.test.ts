// The player's state machine under happy-dom. hls.js is replaced by a fake here (the real one needs
// Media Source Extensions, which happy-dom lacks); the real one plays in tests/e2e under Chromium.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlayerEvent } from "./events.ts";
import { createPlayer } from "./player.ts";

class FakeHls {
  static instances: FakeHls[] = [];
  static supported = true;
  static isSupported = () => FakeHls.supported;
  static Events = { ERROR: "hlsError" };
  handlers = new Map<string, (event: string, data: unknown) => void>();
  source?: string;
  media?: HTMLMediaElement;
  destroyed = false;
  constructor(readonly config: Record<string, unknown>) {
    FakeHls.instances.push(this);
  }
  on(event: string, handler: (event: string, data: unknown) => void) {
    this.handlers.set(event, handler);
  }
  loadSource(url: string) {
    this.source = url;
  }
  attachMedia(media: HTMLMediaElement) {
    this.media = media;
  }
  destroy() {
    this.destroyed = true;
  }
}

const loadHls = async () => FakeHls as unknown as typeof import("hls.js").default;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

let fetchMock: ReturnType<typeof vi.fn>;
let video: HTMLVideoElement;

beforeEach(() => {
  FakeHls.instances = [];
  FakeHls.supported = true;
  fetchMock = vi.fn();
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("MediaSource", { isTypeSupported: () => true });
  video = document.createElement("video");
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function nextEvent<E extends PlayerEvent>(player: ReturnType<typeof createPlayer>, event: E) {
  return new Promise<unknown>((resolve) => player.once(event, resolve));
}

describe("createPlayer", () => {
  it("asks /stream with the viewer token and plays the absolute manifest URL through hls.js", async () => {
    fetchMock.mockResolvedValue(json(200, { status: "ready", manifestUrl: "/hls/v1/master.m3u8?sig=T", expiresAt: "2030-01-01T00:00:00Z" }));
    const statuses: string[] = [];
    const player = createPlayer(video, { apiBase: "https://api.example/", videoId: "v1", token: "JWT", loadHls, hlsConfig: { maxBufferLength: 12 } });
    player.on(PlayerEvent.Status, ({ status }) => statuses.push(status));
    const ready = await nextEvent(player, PlayerEvent.Ready);

    expect(ready).toEqual({ manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T", engine: "hls.js" });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(String(url)).toBe("https://api.example/api/videos/v1/stream");
    expect(init.headers).toEqual({ Authorization: "Bearer JWT" });
    const hls = FakeHls.instances[0]!;
    expect(hls.source).toBe("https://api.example/hls/v1/master.m3u8?sig=T");
    expect(hls.media).toBe(video);
    expect(hls.config["maxBufferLength"]).toBe(12);
    expect(statuses).toEqual(["loading", "ready"]);
    expect(player.status).toBe("ready");
    expect(player.engine).toBe("hls.js");
  });

  it("polls while the video is generating, honouring retryAfter, then plays", async () => {
    vi.useFakeTimers();
    fetchMock
      .mockResolvedValueOnce(json(202, { status: "generating", progress: 0.2, retryAfter: 3 }))
      .mockResolvedValueOnce(json(202, { status: "generating", progress: 0.7, retryAfter: 3 }))
      .mockResolvedValueOnce(json(200, { status: "ready", manifestUrl: "https://api.example/m.m3u8", expiresAt: "x" }));
    const progress: number[] = [];
    const player = createPlayer(video, { apiBase: "https://api.example", videoId: "v1", getToken: async () => "JWT", loadHls });
    player.on(PlayerEvent.Status, (e) => e.progress !== undefined && progress.push(e.progress));

    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2999);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(progress).toEqual([0.2, 0.7]);
    expect(player.status).toBe("ready");
  });

  it("emits a fatal server error with the packaging failure's reason", async () => {
    fetchMock.mockResolvedValue(json(422, { status: "failed", error: "the source has no video or audio" }));
    const player = createPlayer(video, { videoId: "v1", token: "JWT", loadHls });
    const error = (await nextEvent(player, PlayerEvent.Error)) as { type: string; details: string; fatal: boolean; error: Error };
    expect(error).toMatchObject({ type: "server", details: "packaging-failed", fatal: true });
    expect(error.error.message).toBe("the source has no video or audio");
    expect(player.status).toBe("failed");
  });

  it("reports a rejected sign-in as an auth error and a missing video as a network-level failure with a clear message", async () => {
    fetchMock.mockResolvedValueOnce(json(401, { error: { code: "invalid_token" } }));
    const denied = createPlayer(video, { videoId: "v1", token: "bad", loadHls });
    expect(await nextEvent(denied, PlayerEvent.Error)).toMatchObject({ type: "auth", details: "stream-request-failed" });
    fetchMock.mockResolvedValueOnce(json(404, { error: { code: "not_found" } }));
    const missing = createPlayer(video, { videoId: "v2", token: "JWT", loadHls });
    const error = (await nextEvent(missing, PlayerEvent.Error)) as { error: Error };
    expect(error.error.message).toBe("this video does not exist or is not shared with you");
  });

  it("turns a fatal hls.js error into a typed error event", async () => {
    fetchMock.mockResolvedValue(json(200, { status: "ready", manifestUrl: "https://a/m.m3u8", expiresAt: "x" }));
    const player = createPlayer(video, { videoId: "v1", token: "JWT", loadHls });
    await nextEvent(player, PlayerEvent.Ready);
    const errorEvent = nextEvent(player, PlayerEvent.Error);
    FakeHls.instances[0]!.handlers.get("hlsError")!("hlsError", { type: "mediaError", details: "bufferAppendError", fatal: true });
    expect(await errorEvent).toMatchObject({ type: "media", details: "bufferAppendError", fatal: true });
  });

  it("falls back to native HLS without MSE, and never loads hls.js then", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = (type: string) => (type === "application/vnd.apple.mpegurl" ? "maybe" : "");
    fetchMock.mockResolvedValue(json(200, { status: "ready", manifestUrl: "https://a/m.m3u8", expiresAt: "x" }));
    const load = vi.fn(loadHls);
    const player = createPlayer(video, { videoId: "v1", token: "JWT", loadHls: load });
    expect(await nextEvent(player, PlayerEvent.Ready)).toEqual({ manifestUrl: "https://a/m.m3u8", engine: "native" });
    expect(video.src).toBe("https://a/m.m3u8");
    expect(load).not.toHaveBeenCalled();
  });

  it("says so when the browser can play neither HLS nor MSE", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = () => "";
    fetchMock.mockResolvedValue(json(200, { status: "ready", manifestUrl: "https://a/m.m3u8", expiresAt: "x" }));
    const player = createPlayer(video, { videoId: "v1", token: "JWT", loadHls });
    expect(await nextEvent(player, PlayerEvent.Error)).toMatchObject({ type: "unsupported", fatal: true });
  });

  it("destroy() stops polling, detaches hls.js and drops every listener", async () => {
    vi.useFakeTimers();
    fetchMock.mockResolvedValue(json(202, { status: "generating", progress: 0, retryAfter: 2 }));
    const polling = createPlayer(video, { videoId: "v1", token: "JWT", loadHls });
    await vi.advanceTimersByTimeAsync(0);
    polling.destroy();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);

    vi.useRealTimers();
    fetchMock.mockResolvedValue(json(200, { status: "ready", manifestUrl: "https://a/m.m3u8", expiresAt: "x" }));
    const playing = createPlayer(video, { videoId: "v1", token: "JWT", loadHls });
    await nextEvent(playing, PlayerEvent.Ready);
    const listener = vi.fn();
    playing.on(PlayerEvent.Playing, listener);
    playing.destroy();
    expect(FakeHls.instances.at(-1)!.destroyed).toBe(true);
    expect(playing.status).toBe("destroyed");
    video.dispatchEvent(new Event("playing"));
    expect(listener).not.toHaveBeenCalled();
  });
});

describe("options", () => {
  it("explains what is wrong with bad options", () => {
    expect(() => createPlayer(video, { videoId: "../x", token: "t" })).toThrow(/videoId must be a video id/);
    expect(() => createPlayer(video, { videoId: "v1" })).toThrow(/pass token .* or getToken/);
    expect(() => createPlayer(video, { videoId: "v1", token: "t", getToken: () => "u" })).toThrow(/either token or getToken/);
  });
});
