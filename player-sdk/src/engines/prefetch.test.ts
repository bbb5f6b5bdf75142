import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { countListeners } from "../testing/listener-count.ts";
import { Prefetch, type BufferTarget } from "./prefetch.ts";

const settings = { prefetch: { startSegments: 2, aheadSegments: 5, seekSegments: 1 }, autoplay: false };
let video: HTMLVideoElement;
/** What the video reports as buffered: [start, end] ranges. */
let buffered: [number, number][];

beforeEach(() => {
  video = document.createElement("video");
  buffered = [];
  Object.defineProperty(video, "buffered", {
    get: () => ({ length: buffered.length, start: (i: number) => buffered[i]![0], end: (i: number) => buffered[i]![1] }),
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const fire = (name: string) => video.dispatchEvent(new Event(name));

describe("Prefetch", () => {
  it("fetches the start segments before play, then keeps the steady target (at least the ahead segments) while playing", () => {
    const target: BufferTarget = { maxBufferLength: 12, maxMaxBufferLength: 12 };
    const prefetch = new Prefetch(video, settings, target);
    expect(target.maxBufferLength).toBe(8); // 2 segments of the 4 s assumed before a playlist loads
    prefetch.segmentLoaded(6);
    expect(target).toEqual({ maxBufferLength: 12, maxMaxBufferLength: 12 }); // 2 × 6 s = the steady 12 s
    fire("playing");
    expect(target).toEqual({ maxBufferLength: 30, maxMaxBufferLength: 30 }); // 5 × 6 s beats the steady 12 s
    prefetch.destroy();
  });

  it("keeps the steady target from the start under autoplay", () => {
    const target: BufferTarget = { maxBufferLength: 30, maxMaxBufferLength: 30 };
    const prefetch = new Prefetch(video, { ...settings, autoplay: true }, target);
    prefetch.segmentLoaded(4);
    expect(target.maxBufferLength).toBe(30);
    prefetch.destroy();
  });

  it("fetches only the seek segments at a far seek point, and grows again once the seek is done", async () => {
    vi.useFakeTimers();
    const target: BufferTarget = { maxBufferLength: 12, maxMaxBufferLength: 12 };
    const prefetch = new Prefetch(video, settings, target);
    prefetch.segmentLoaded(4);
    fire("playing");
    buffered = [[0, 30]];
    video.currentTime = 20;
    fire("seeking"); // inside what is buffered: no limit
    expect(target.maxBufferLength).toBe(20);
    video.currentTime = 100;
    fire("seeking");
    expect(target.maxBufferLength).toBe(4);
    fire("seeked");
    expect(target.maxBufferLength).toBe(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(target.maxBufferLength).toBe(20);
    prefetch.destroy();
  });

  it("destroy removes its listeners and a pending re-apply, so the targets stay as they were", () => {
    vi.useFakeTimers();
    const open = countListeners(video);
    const target: BufferTarget = { maxBufferLength: 12, maxMaxBufferLength: 12 };
    const prefetch = new Prefetch(video, settings, target);
    prefetch.segmentLoaded(4);
    fire("playing");
    video.currentTime = 100;
    fire("seeking");
    fire("seeked");
    expect(vi.getTimerCount()).toBe(1);
    prefetch.destroy();
    expect(open()).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
    fire("playing");
    expect(target.maxBufferLength).toBe(4);
  });
});
