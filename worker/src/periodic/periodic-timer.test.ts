import { afterEach, describe, expect, it, vi } from "vitest";
import { startPeriodicTimer } from "./periodic-timer.ts";

afterEach(() => vi.useRealTimers());

describe("startPeriodicTimer", () => {
  it("never starts a run while one is in progress, and stop() waits for it, then runs no more", async () => {
    vi.useFakeTimers();
    const releases: (() => void)[] = [];
    let finished = 0;
    const timer = startPeriodicTimer(async () => {
      await new Promise<void>((resolve) => releases.push(resolve));
      finished++;
    }, 1000);
    await vi.advanceTimersByTimeAsync(10_000); // ten ticks, one run (still going)
    expect([releases.length, finished]).toEqual([1, 0]);
    releases[0]!();
    await vi.advanceTimersByTimeAsync(1000);
    expect([releases.length, finished]).toEqual([2, 1]);

    let stopped = false;
    const stopping = timer.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(stopped).toBe(false);
    releases[1]!();
    await stopping;
    expect(finished).toBe(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(releases).toHaveLength(2);
  });

  it("keeps ticking after a run that failed", async () => {
    vi.useFakeTimers();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let runs = 0;
    const timer = startPeriodicTimer(async () => {
      runs++;
      throw new Error("database busy");
    }, 1000);
    await vi.advanceTimersByTimeAsync(3000);
    await timer.stop();
    expect(runs).toBe(3);
    expect(error).toHaveBeenCalledTimes(3);
    error.mockRestore();
  });
});
