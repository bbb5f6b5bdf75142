// The player's state machine under happy-dom. hls.js is replaced by a fake (testing/fake-hls.ts:
// the real one needs Media Source Extensions, which happy-dom lacks); the real one plays in
// tests/e2e under Chromium.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PlayerEvent, type PlayerErrorData } from "./events.ts";
import { createPlayer, type Player } from "./player.ts";
import { FakeHls, loadFakeHls as loadHls } from "./testing/fake-hls.ts";
import { countListeners } from "./testing/listener-count.ts";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const READY = { status: "ready", manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T1", expiresAt: "2099-01-01T00:00:00Z", sessionId: "s1" };

let fetchMock: ReturnType<typeof vi.fn>;
let beacons: { url: string; body: string }[];
let video: HTMLVideoElement;
let players: Player[];

/** Answers /stream with `stream` (a queue, the last answer repeats) and progress with `progress`. */
function serve(stream: (Response | Error)[], progress: unknown = { positionSec: null, durationSec: null, updatedAt: null }) {
  fetchMock.mockImplementation(async (url: URL | string) => {
    const path = new URL(String(url)).pathname;
    if (path.endsWith("/stream")) {
      const next = stream.length > 1 ? stream.shift()! : stream[0]!;
      if (next instanceof Error) throw next;
      return next.clone();
    }
    if (path.endsWith("/progress")) return json(200, progress);
    return new Response(null, { status: 204 });
  });
}
const streamCalls = () => fetchMock.mock.calls.filter(([url]) => new URL(String(url)).pathname.endsWith("/stream")).length;
const make = (options: Partial<Parameters<typeof createPlayer>[1]> = {}) => {
  const player = createPlayer(video, { apiBase: "https://api.example", videoId: "v1", token: "JWT", loadHls, ...options });
  players.push(player);
  return player;
};
function nextEvent<E extends PlayerEvent>(player: Player, event: E) {
  return new Promise<unknown>((resolve) => player.once(event, resolve));
}

beforeEach(() => {
  FakeHls.instances = [];
  FakeHls.supported = true;
  players = [];
  beacons = [];
  fetchMock = vi.fn();
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("MediaSource", { isTypeSupported: () => true });
  vi.spyOn(navigator, "sendBeacon").mockImplementation((url, body) => {
    void (body as Blob).text().then((text) => beacons.push({ url: String(url), body: text }));
    return true;
  });
  video = document.createElement("video");
});
afterEach(() => {
  for (const player of players) player.destroy();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("readiness", () => {
  it("asks /stream with the viewer token and plays the absolute manifest URL through hls.js", async () => {
    serve([json(200, { ...READY, manifestUrl: "/hls/v1/master.m3u8?sig=T" })]);
    const statuses: string[] = [];
    const player = make({ apiBase: "https://api.example/", hlsConfig: { maxBufferLength: 12 } });
    player.on(PlayerEvent.Status, ({ status }) => statuses.push(status));
    const ready = await nextEvent(player, PlayerEvent.Ready);

    expect(ready).toEqual({ manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T", engine: "hls.js" });
    const [url, init] = fetchMock.mock.calls.find(([u]) => String(u).endsWith("/stream"))!;
    expect(String(url)).toBe("https://api.example/api/videos/v1/stream");
    expect(init.headers).toEqual({ Authorization: "Bearer JWT" });
    const hls = FakeHls.instances[0]!;
    expect(hls.source).toBe("https://api.example/hls/v1/master.m3u8?sig=T");
    expect(hls.media).toBe(video);
    expect(statuses).toEqual(["loading", "ready"]);
    video.dispatchEvent(new Event("playing"));
    expect(hls.config.maxBufferLength).toBe(12); // the page's hls.js settings win over the presets
    expect(player.sessionId).toBe("s1");
    expect(player.engine).toBe("hls.js");
  });

  it("polls while the video is generating, honouring retryAfter and emitting progress, then plays", async () => {
    vi.useFakeTimers();
    serve([
      json(202, { status: "generating", progress: 0.2, retryAfter: 3, sessionId: "s1" }),
      json(202, { status: "generating", progress: 0.7, retryAfter: 3, sessionId: "s2" }),
      json(200, READY),
    ]);
    const progress: number[] = [];
    const player = make({ getToken: async () => "JWT", token: undefined });
    player.on(PlayerEvent.Status, (e) => e.progress !== undefined && progress.push(e.progress));

    await vi.advanceTimersByTimeAsync(0);
    expect(streamCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(2999);
    expect(streamCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(streamCalls()).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(streamCalls()).toBe(3);
    expect(progress).toEqual([0.2, 0.7]);
    expect(player.status).toBe("ready");
    expect(player.sessionId).toBe("s1"); // one playback, one session: the first id is kept
    const streamUrls = fetchMock.mock.calls.map(([url]) => new URL(String(url))).filter((url) => url.pathname.endsWith("/stream"));
    expect(streamUrls.map((url) => url.searchParams.get("session"))).toEqual([null, "s1", "s1"]); // and handed back to the worker
  });

  it("plays an on-demand session's manifest at once when a 202 carries one", async () => {
    serve([json(202, { status: "generating", progress: 0.1, retryAfter: 2, sessionId: "s1", manifestUrl: "/hls/v1/session.m3u8?sig=S" })]);
    const player = make();
    expect(await nextEvent(player, PlayerEvent.Ready)).toEqual({ manifestUrl: "https://api.example/hls/v1/session.m3u8?sig=S", engine: "hls.js" });
    expect(streamCalls()).toBe(1);
  });

  it("retries /stream with growing delays after network errors and 5xx, then plays", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5); // no jitter: delays are exactly 1 s, 2 s
    serve([new TypeError("network down"), json(503, { error: { code: "unavailable", message: "try later" } }), json(200, READY)]);
    const player = make();
    await vi.advanceTimersByTimeAsync(0);
    expect(streamCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(streamCalls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(streamCalls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streamCalls()).toBe(3);
    expect(player.status).toBe("ready");
  });

  it("shows the package's poster and offers the /stream answer (thumbnails track) to the page", async () => {
    const answer = { ...READY, posterUrl: "https://api.example/hls/v1/thumbnails/poster.jpg?sig=T1", thumbnailsUrl: "https://api.example/hls/v1/thumbnails/thumbnails.vtt?sig=T1" };
    serve([json(200, answer)]);
    const player = make();
    expect(player.stream).toBeNull();
    await nextEvent(player, PlayerEvent.Ready);
    expect(video.poster).toBe(answer.posterUrl);
    expect(player.stream).toMatchObject({ thumbnailsUrl: answer.thumbnailsUrl });
  });

  it("keeps a poster the page set itself", async () => {
    serve([json(200, { ...READY, posterUrl: "https://api.example/hls/v1/thumbnails/poster.jpg?sig=T1" })]);
    video.poster = "https://site.example/own.jpg";
    await nextEvent(make(), PlayerEvent.Ready);
    expect(video.poster).toBe("https://site.example/own.jpg");
  });

  it("plays a pre-warmed /stream answer without asking again, and asks when its token has expired", async () => {
    serve([json(200, { ...READY, manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=FRESH" })]);
    const warm = make({ stream: { ...READY, manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=WARM" } as never });
    await nextEvent(warm, PlayerEvent.Ready);
    expect(FakeHls.instances[0]!.source).toBe("https://api.example/hls/v1/master.m3u8?sig=WARM");
    expect(warm.sessionId).toBe("s1");
    expect(streamCalls()).toBe(0);
    const stale = make({ stream: { ...READY, manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=OLD", expiresAt: "2000-01-01T00:00:00Z" } as never });
    await nextEvent(stale, PlayerEvent.Ready);
    expect(FakeHls.instances[1]!.source).toBe("https://api.example/hls/v1/master.m3u8?sig=FRESH");
    expect(streamCalls()).toBe(1);
  });

  it("emits a fatal server error with the packaging failure's reason", async () => {
    serve([json(422, { status: "failed", error: "the source has no video or audio" })]);
    const player = make();
    const error = (await nextEvent(player, PlayerEvent.Error)) as PlayerErrorData;
    expect(error).toMatchObject({ type: "server", details: "packaging-failed", fatal: true });
    expect(error.error.message).toBe("the source has no video or audio");
    expect(player.status).toBe("failed");
  });

  it("reports a rejected sign-in as an auth error and a missing video with a clear message, without retrying", async () => {
    serve([json(401, { error: { code: "invalid_token" } })]);
    expect(await nextEvent(make({ token: "bad" }), PlayerEvent.Error)).toMatchObject({ type: "auth", details: "stream-request-failed", fatal: true });
    serve([json(404, { error: { code: "not_found" } })]);
    const error = (await nextEvent(make({ videoId: "v2" }), PlayerEvent.Error)) as PlayerErrorData;
    expect(error.error.message).toBe("this video does not exist or is not shared with you");
    expect(streamCalls()).toBe(2);
  });
});

describe("resume", () => {
  it("starts hls.js at the saved position", async () => {
    serve([json(200, READY)], { positionSec: 42, durationSec: 600, updatedAt: "x" });
    await nextEvent(make(), PlayerEvent.Ready);
    expect(FakeHls.instances[0]!.config.startPosition).toBe(42);
  });

  it("starts from the beginning when the saved position is near the end, or when resume is off", async () => {
    serve([json(200, READY)], { positionSec: 595, durationSec: 600, updatedAt: "x" });
    await nextEvent(make(), PlayerEvent.Ready);
    expect(FakeHls.instances[0]!.config.startPosition).toBeUndefined();
    serve([json(200, READY)], { positionSec: 42, durationSec: 600, updatedAt: "x" });
    await nextEvent(make({ resume: false }), PlayerEvent.Ready);
    expect(FakeHls.instances[1]!.config.startPosition).toBeUndefined();
    expect(fetchMock.mock.calls.filter(([u]) => String(u).endsWith("/progress"))).toHaveLength(1);
  });

  it("prefers an explicit startPosition", async () => {
    serve([json(200, READY)], { positionSec: 42, durationSec: 600, updatedAt: "x" });
    await nextEvent(make({ startPosition: 7 }), PlayerEvent.Ready);
    expect(FakeHls.instances[0]!.config.startPosition).toBe(7);
  });
});

describe("recovery", () => {
  const fatal = (type: string, details: string) => ({ type, details, fatal: true });

  it("restarts loading after fatal network errors with growing delays, and gives up with a message a person understands", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    serve([json(200, READY)]);
    const player = make({ maxRecoveries: 2 });
    await vi.advanceTimersByTimeAsync(0);
    const hls = FakeHls.instances[0]!;
    const errors: PlayerErrorData[] = [];
    player.on(PlayerEvent.Error, (e) => errors.push(e));

    hls.fire("ERROR", fatal("networkError", "fragLoadError"));
    await vi.advanceTimersByTimeAsync(499);
    expect(hls.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(hls.calls).toEqual(["startLoad"]);
    const recovered = nextEvent(player, PlayerEvent.Recovered);
    hls.fire("FRAG_BUFFERED", {});
    expect(await recovered).toEqual({ from: "network" });

    hls.fire("ERROR", fatal("networkError", "fragLoadError"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(hls.calls).toEqual(["startLoad", "startLoad"]);
    hls.fire("ERROR", fatal("networkError", "fragLoadError"));
    expect(errors.map((e) => e.fatal)).toEqual([false, false, true]);
    expect(errors[2]!.error.message).toMatch(/the video stopped loading: the server or the network is not answering/);
    expect(player.status).toBe("failed");
  });

  it("recovers media errors with recoverMediaError, then swapAudioCodec, and stops after the bound", async () => {
    serve([json(200, READY)]);
    const player = make({ maxRecoveries: 2 });
    await nextEvent(player, PlayerEvent.Ready);
    const hls = FakeHls.instances[0]!;
    const last = new Promise<PlayerErrorData>((resolve) => player.on(PlayerEvent.Error, (e) => e.fatal && resolve(e)));
    for (let i = 0; i < 3; i++) hls.fire("ERROR", fatal("mediaError", "bufferAppendError"));
    expect(hls.calls).toEqual(["recoverMediaError", "swapAudioCodec", "recoverMediaError"]);
    expect(await last).toMatchObject({ type: "media", details: "bufferAppendError", fatal: true });
    expect((await last).error.message).toMatch(/could not decode/);
  });

  it("falls back to the progressive MP4 when the server offers one", async () => {
    serve([json(200, { ...READY, mp4Url: "/hls/v1/full.mp4?sig=T1" })]);
    const player = make({ maxRecoveries: 0 });
    await nextEvent(player, PlayerEvent.Ready);
    const errors: PlayerErrorData[] = [];
    player.on(PlayerEvent.Error, (e) => errors.push(e));
    const recovered = nextEvent(player, PlayerEvent.Recovered);
    FakeHls.instances[0]!.fire("ERROR", fatal("mediaError", "bufferAppendError"));
    expect(await recovered).toEqual({ from: "mp4-fallback" });
    expect(errors).toMatchObject([{ details: "fallback-mp4", fatal: false }]);
    expect(FakeHls.instances[0]!.destroyed).toBe(true);
    expect(video.src).toBe("https://api.example/hls/v1/full.mp4?sig=T1");
    expect(player.engine).toBe("mp4");
  });

  it("ignores non-fatal hls.js errors (hls.js retries those itself)", async () => {
    serve([json(200, READY)]);
    const player = make();
    await nextEvent(player, PlayerEvent.Ready);
    const listener = vi.fn();
    player.on(PlayerEvent.Error, listener);
    FakeHls.instances[0]!.fire("ERROR", { type: "networkError", details: "fragLoadError", fatal: false });
    expect(listener).not.toHaveBeenCalled();
    expect(FakeHls.instances[0]!.calls).toEqual([]);
  });
});

describe("engines", () => {
  it("falls back to native HLS without MSE, and never loads hls.js then", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = (type: string) => (type === "application/vnd.apple.mpegurl" ? "maybe" : "");
    serve([json(200, READY)]);
    const load = vi.fn(loadHls);
    const player = make({ loadHls: load });
    expect(await nextEvent(player, PlayerEvent.Ready)).toEqual({ manifestUrl: READY.manifestUrl, engine: "native" });
    expect(video.src).toBe(READY.manifestUrl);
    expect(load).not.toHaveBeenCalled();
  });

  it("reloads native HLS with a fresh token at the same position after an error", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = () => "maybe";
    serve([json(200, READY), json(200, { ...READY, manifestUrl: "https://api.example/hls/v1/master.m3u8?sig=T2" })]);
    const player = make();
    await nextEvent(player, PlayerEvent.Ready);
    video.currentTime = 33;
    const refreshed = nextEvent(player, PlayerEvent.TokenRefreshed);
    video.dispatchEvent(new Event("error"));
    expect(await refreshed).toEqual({ reason: "native", expiresAt: Date.parse(READY.expiresAt) });
    await vi.waitFor(() => expect(video.src).toBe("https://api.example/hls/v1/master.m3u8?sig=T2"));
    video.dispatchEvent(new Event("loadedmetadata"));
    expect(video.currentTime).toBe(33);
    // The refresh names the token it replaces, so the worker can keep the same source (a live session).
    const refresh = fetchMock.mock.calls.map(([url]) => new URL(String(url))).filter((url) => url.pathname.endsWith("/stream"))[1]!;
    expect(refresh.searchParams.get("renew")).toBe(new URL(READY.manifestUrl, "https://api.example").searchParams.get("sig"));
  });

  it("says so when the browser can play neither HLS nor MSE", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = () => "";
    serve([json(200, READY)]);
    expect(await nextEvent(make(), PlayerEvent.Error)).toMatchObject({ type: "unsupported", fatal: true });
  });
});

describe("controls", () => {
  it("lists quality levels, fixes one or returns to auto, and reports switches", async () => {
    serve([json(200, READY)]);
    const player = make();
    await nextEvent(player, PlayerEvent.Ready);
    const hls = FakeHls.instances[0]!;
    expect(player.levels).toEqual([
      { index: 0, height: 360, width: 640, bitrate: 800_000 },
      { index: 1, height: 720, width: 1280, bitrate: 2_500_000 },
    ]);
    player.setQuality(1);
    expect(player.quality).toBe(1);
    expect(hls.calls).toContain("currentLevel=1"); // a chosen rung shows at once, not after the buffer ahead
    const change = nextEvent(player, PlayerEvent.QualityChange);
    hls.fire("LEVEL_SWITCHED", { level: 1 });
    expect(await change).toEqual({ level: { index: 1, height: 720, width: 1280, bitrate: 2_500_000 }, auto: false });
    hls.fire("LEVEL_SWITCHED", { level: 0 });
    expect(player.qoe.bitrateSwitches).toBe(1); // the first level is a choice, not a switch
    player.setQuality("auto");
    expect(player.quality).toBe("auto");
    player.setPlaybackRate(1.5);
    expect(video.playbackRate).toBe(1.5);
  });

  it("prefetches a few segments before play, keeps a steady number ahead while playing, and only a few at a far seek point", async () => {
    serve([json(200, READY)]);
    const player = make({ buffer: "low", prefetch: { startSegments: 2, aheadSegments: 5, seekSegments: 1 } });
    await nextEvent(player, PlayerEvent.Ready);
    const hls = FakeHls.instances[0]!;
    hls.fire("LEVEL_LOADED", { details: { targetduration: 4 } });
    expect(hls.config.maxBufferLength).toBe(8);
    video.dispatchEvent(new Event("playing"));
    expect(hls.config.maxBufferLength).toBe(20); // 5 segments of 4 s beats the low preset's 12 s
    expect(hls.config.maxMaxBufferLength).toBe(20); // and hls.js may not grow past it for a low bitrate
    video.currentTime = 100;
    video.dispatchEvent(new Event("seeking"));
    expect(hls.config.maxBufferLength).toBe(4);
    video.dispatchEvent(new Event("seeked"));
    await vi.waitFor(() => expect(hls.config.maxBufferLength).toBe(20));
  });
});

describe("destroy", () => {
  it("stops polling, leaves no timer, and sends nothing afterwards", async () => {
    vi.useFakeTimers();
    serve([json(202, { status: "generating", progress: 0, retryAfter: 2 })]);
    const player = make({ analyticsIntervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    const calls = fetchMock.mock.calls.length;
    player.destroy();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock.mock.calls.length).toBe(calls);
  });

  it("detaches hls.js and removes every listener it added, on the video, the document and the window", async () => {
    const open = countListeners(video, document, window);
    serve([json(200, READY)]);
    const player = make({ autoplay: false });
    await nextEvent(player, PlayerEvent.Ready);
    const listener = vi.fn();
    player.on(PlayerEvent.Playing, listener);
    player.destroy();
    expect(FakeHls.instances[0]!.destroyed).toBe(true);
    expect(player.status).toBe("destroyed");
    expect(open()).toEqual([0, 0, 0]);
    video.dispatchEvent(new Event("playing"));
    expect(listener).not.toHaveBeenCalled();
  });

  it("destroys the hls.js engine it replaces with the MP4, and the MP4 engine on destroy, leaving no listener or timer", async () => {
    vi.useFakeTimers();
    const open = countListeners(video);
    serve([json(200, { ...READY, mp4Url: "/hls/v1/full.mp4?sig=T1" })]);
    const player = make({ maxRecoveries: 0, heartbeatIntervalMs: 0, progressIntervalMs: 0, analyticsIntervalMs: 0, refreshAheadSeconds: false });
    await vi.advanceTimersByTimeAsync(0);
    const hls = FakeHls.instances[0]!;
    video.dispatchEvent(new Event("playing"));
    video.currentTime = 100;
    video.dispatchEvent(new Event("seeking"));
    video.dispatchEvent(new Event("seeked")); // prefetch now has a re-apply to the steady 30 s pending
    const withHls = open()[0]!;
    hls.fire("ERROR", { type: "mediaError", details: "bufferAppendError", fatal: true });
    expect(player.engine).toBe("mp4");
    expect(open()[0]).toBe(withHls - 3 + 5); // prefetch's three listeners gone; the MP4 engine's error, play, playing, pause and seek-on-metadata added
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(hls.config.maxBufferLength).toBe(8); // still the seek limit: the replaced engine's prefetch wrote nothing after it was destroyed
    player.destroy();
    expect(open()).toEqual([0]);
    expect(video.hasAttribute("src")).toBe(false);
  });

  it("drops a pending seek-on-metadata when destroyed, so a reused video element is not moved", async () => {
    vi.stubGlobal("MediaSource", undefined);
    video.canPlayType = () => "maybe";
    serve([json(200, READY)]);
    const player = make({ startPosition: 40 });
    await nextEvent(player, PlayerEvent.Ready);
    player.destroy();
    video.currentTime = 3; // the next player's video
    video.dispatchEvent(new Event("loadedmetadata"));
    expect(video.currentTime).toBe(3);
  });
});

describe("options", () => {
  it("explains what is wrong with bad options", () => {
    expect(() => createPlayer(video, { videoId: "../x", token: "t" })).toThrow(/videoId must be a video id/);
    expect(() => createPlayer(video, { videoId: "v1" })).toThrow(/pass token .* or getToken/);
    expect(() => createPlayer(video, { videoId: "v1", token: "t", getToken: () => "u" })).toThrow(/either token or getToken/);
    expect(() => createPlayer(video, { videoId: "v1", token: "t", buffer: "huge" as "low" })).toThrow(/buffer must be "low", "balanced", "high"/);
    expect(() => createPlayer(video, { videoId: "v1", token: "t", heartbeatIntervalMs: -1 })).toThrow(/heartbeatIntervalMs must be a number from 0/);
    expect(() => createPlayer(video, { videoId: "v1", token: "t", prefetch: { aheadSegments: 500 } })).toThrow(/prefetch.aheadSegments must be a number from 0 to 50/);
  });
});
