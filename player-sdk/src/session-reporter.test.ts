// Heartbeats and progress saving against a fake clock, under happy-dom (no media plays here: the
// playhead is set by hand; tests/e2e checks that real heartbeats and progress reach the worker).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startReporter } from "./session-reporter.ts";

let fetchMock: ReturnType<typeof vi.fn>;
let beacons: string[];
let beaconBodies: Blob[];
let beaconAccepts: boolean;
let video: HTMLVideoElement;
let saved: [number, string][];
let abort: AbortController;

const start = (overrides = {}) =>
  startReporter({
    video,
    apiBase: "https://api.example",
    videoId: "v1",
    sessionId: () => "s1",
    token: async () => "JWT",
    lastToken: () => "JWT",
    heartbeatIntervalMs: 30_000,
    progressIntervalMs: 10_000,
    onSaved: (position, via) => saved.push([position, via]),
    signal: abort.signal,
    ...overrides,
  });
const calls = (suffix: string) => fetchMock.mock.calls.filter(([url]) => new URL(String(url)).pathname.endsWith(suffix));
const bodyOf = (call: unknown[]) => JSON.parse((call[1] as RequestInit).body as string);

beforeEach(() => {
  vi.useFakeTimers();
  fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
  vi.stubGlobal("fetch", fetchMock);
  beacons = [];
  beaconBodies = [];
  beaconAccepts = true;
  vi.spyOn(navigator, "sendBeacon").mockImplementation((url, body) => {
    if (!beaconAccepts) return false;
    beacons.push(String(url));
    beaconBodies.push(body as Blob);
    return true;
  });
  video = document.createElement("video");
  saved = [];
  abort = new AbortController();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("progress", () => {
  it("saves every interval only when the playhead moved at least 1 s, and on pause", async () => {
    const reporter = start();
    video.dispatchEvent(new Event("playing"));
    video.currentTime = 5;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls("/progress").map(bodyOf).map((b) => b.positionSec)).toEqual([5]);
    video.currentTime = 5.6; // moved < 1 s: nothing to save
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls("/progress")).toHaveLength(1);
    video.currentTime = 16;
    await vi.advanceTimersByTimeAsync(10_000);
    video.currentTime = 18;
    video.dispatchEvent(new Event("pause"));
    await vi.advanceTimersByTimeAsync(0);
    const [url, init] = calls("/progress")[0]!;
    expect(String(url)).toBe("https://api.example/api/videos/v1/progress");
    expect(init).toMatchObject({ method: "PUT", headers: { Authorization: "Bearer JWT", "Content-Type": "application/json" } });
    expect(calls("/progress").map(bodyOf).map((b) => b.positionSec)).toEqual([5, 16, 18]);
    expect(saved).toEqual([[5, "fetch"], [16, "fetch"], [18, "fetch"]]);
    await vi.advanceTimersByTimeAsync(60_000); // paused: no more saves
    expect(calls("/progress")).toHaveLength(3);
    reporter.stop(false);
  });

  it("saves on pagehide with sendBeacon: a POST carrying the token in the query and a text/plain body", async () => {
    const reporter = start();
    video.currentTime = 42;
    window.dispatchEvent(new Event("pagehide"));
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toEqual(["https://api.example/api/videos/v1/progress?token=JWT"]);
    expect(JSON.parse(await beaconBodies[0]!.text())).toMatchObject({ positionSec: 42, clientTime: expect.any(Number) });
    expect(beaconBodies[0]!.type).toBe("text/plain");
    expect(calls("/progress")).toHaveLength(0);
    expect(saved).toEqual([[42, "keepalive"]]);
    reporter.stop(false);
  });

  it("falls back to a keepalive POST when sendBeacon refuses", async () => {
    beaconAccepts = false;
    const reporter = start();
    video.currentTime = 7;
    window.dispatchEvent(new Event("pagehide"));
    await vi.advanceTimersByTimeAsync(0);
    const [url, init] = calls("/progress")[0]!;
    expect(String(url)).toBe("https://api.example/api/videos/v1/progress?token=JWT");
    expect(init).toMatchObject({ method: "POST", keepalive: true, headers: { "Content-Type": "text/plain" } });
    reporter.stop(false);
  });

  it("tries again next tick when a save failed", async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 500 }));
    const reporter = start({ heartbeatIntervalMs: 0 });
    video.dispatchEvent(new Event("playing"));
    video.currentTime = 5;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls("/progress").map(bodyOf).map((b) => b.positionSec)).toEqual([5, 5]);
    reporter.stop(false);
  });
});

describe("heartbeats", () => {
  it("beat when playback starts, every interval while playing, on pause, and when the page is hidden (by beacon)", async () => {
    const reporter = start({ progressIntervalMs: 0 });
    video.dispatchEvent(new Event("playing"));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls("/heartbeat")).toHaveLength(1);
    expect(String(calls("/heartbeat")[0]![0])).toBe("https://api.example/api/sessions/s1/heartbeat");
    expect(bodyOf(calls("/heartbeat")[0]!)).toEqual({ videoId: "v1", positionSec: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls("/heartbeat")).toHaveLength(3);
    vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    document.dispatchEvent(new Event("visibilitychange"));
    expect(beacons).toEqual(["https://api.example/api/sessions/s1/heartbeat?token=JWT"]);
    video.currentTime = 42;
    video.dispatchEvent(new Event("pause"));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls("/heartbeat")).toHaveLength(4);
    expect(bodyOf(calls("/heartbeat")[3]!)).toEqual({ videoId: "v1", positionSec: 42 });
    video.dispatchEvent(new Event("pause")); // paused already: no beat
    await vi.advanceTimersByTimeAsync(0);
    expect(calls("/heartbeat")).toHaveLength(4);
    reporter.stop(false);
  });

  it("stop() clears its timers and listeners", async () => {
    const reporter = start();
    video.dispatchEvent(new Event("playing"));
    reporter.stop(false);
    expect(vi.getTimerCount()).toBe(0);
    video.dispatchEvent(new Event("playing"));
    window.dispatchEvent(new Event("pagehide"));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls("/progress")).toHaveLength(0);
  });
});
