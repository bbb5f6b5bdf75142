// QoE counting and analytics batching under happy-dom: media events are dispatched by hand (no
// media plays here), sendBeacon is a spy.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAnalytics, trackQoe } from "./qoe.ts";

let video: HTMLVideoElement;
let now: number;
let beacons: { url: string; body: Blob }[];

beforeEach(() => {
  video = document.createElement("video");
  now = 1000;
  vi.spyOn(performance, "now").mockImplementation(() => now);
  beacons = [];
  vi.spyOn(navigator, "sendBeacon").mockImplementation((url, body) => (beacons.push({ url: String(url), body: body as Blob }), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("trackQoe", () => {
  it("measures time to first frame from the play request and counts stalls after start-up, not seeks", () => {
    const stalls: number[] = [];
    const qoe = trackQoe({ video, startClock: null, onStall: () => {}, onStallEnd: (ms) => stalls.push(ms) });
    video.dispatchEvent(new Event("waiting")); // start-up buffering: not a stall
    video.dispatchEvent(new Event("play"));
    now += 850;
    video.dispatchEvent(new Event("playing"));
    expect(qoe.metrics().timeToFirstFrameMs).toBe(850);

    video.dispatchEvent(new Event("waiting"));
    now += 400;
    expect(qoe.metrics()).toMatchObject({ rebufferCount: 1, rebufferMs: 400 }); // an open stall counts so far
    video.dispatchEvent(new Event("playing"));
    Object.defineProperty(video, "seeking", { value: true, configurable: true });
    video.dispatchEvent(new Event("waiting")); // waiting for a seek: not a stall
    now += 2000;
    video.dispatchEvent(new Event("playing"));
    expect(qoe.metrics()).toMatchObject({ timeToFirstFrameMs: 850, rebufferCount: 1, rebufferMs: 400, bitrateSwitches: 0 });
    expect(stalls).toEqual([400]);
    qoe.stop();
  });

  it("reports the dropped frames the video element counts, as they change", () => {
    // happy-dom decodes nothing, so the element's playback quality is stubbed: a stand-in for what
    // Chromium reports, moving between reads as a real decoder's counter does.
    const dropped = [0, 3, 11];
    let reads = 0;
    const quality = vi.fn(() => ({ droppedVideoFrames: dropped[Math.min(reads++, dropped.length - 1)]!, totalVideoFrames: 100 * reads, creationTime: now }) as VideoPlaybackQuality);
    Object.defineProperty(video, "getVideoPlaybackQuality", { value: quality, configurable: true });
    const qoe = trackQoe({ video, startClock: null, onStall: () => {}, onStallEnd: () => {} });
    expect(dropped.map(() => qoe.metrics().droppedFrames)).toEqual([0, 3, 11]);
    expect(quality).toHaveBeenCalledTimes(3);
    qoe.stop();
  });

  it("reports no dropped frames where the element cannot count them", () => {
    Object.defineProperty(video, "getVideoPlaybackQuality", { value: undefined, configurable: true });
    const qoe = trackQoe({ video, startClock: null, onStall: () => {}, onStallEnd: () => {} });
    expect(qoe.metrics().droppedFrames).toBe(0);
    qoe.stop();
  });
});

describe("createAnalytics", () => {
  it("batches events into one text/plain beacon per interval with the token in the query", async () => {
    vi.useFakeTimers();
    const analytics = createAnalytics({ apiBase: "https://api.example", lastToken: () => "JWT", intervalMs: 15_000 });
    analytics.track({ type: "start", videoId: "v1", sessionId: "s1", at: 1, data: { ttffMs: 300 } });
    analytics.track({ type: "stall", videoId: "v1", sessionId: "s1", at: 2 });
    expect(beacons).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(beacons).toHaveLength(1);
    expect(beacons[0]!.url).toBe("https://api.example/api/events?token=JWT");
    expect(beacons[0]!.body.type).toBe("text/plain");
    expect(JSON.parse(await beacons[0]!.body.text()).events.map((e: { type: string }) => e.type)).toEqual(["start", "stall"]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(beacons).toHaveLength(1); // nothing new, nothing sent
    analytics.track({ type: "rebuffer", videoId: "v1", at: 3 });
    window.dispatchEvent(new Event("pagehide"));
    expect(beacons).toHaveLength(2);
    analytics.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends early when a batch is full", () => {
    const analytics = createAnalytics({ apiBase: "", lastToken: () => "JWT", intervalMs: 60_000, maxBatch: 3 });
    for (let i = 0; i < 7; i++) analytics.track({ type: "quality", videoId: "v1", at: i });
    expect(beacons).toHaveLength(2);
    expect(analytics.queue).toHaveLength(1);
    analytics.stop();
    expect(beacons).toHaveLength(3);
  });
});
