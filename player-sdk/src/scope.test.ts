import { afterEach, describe, expect, it, vi } from "vitest";
import { Scope } from "./scope.ts";
import { countListeners } from "./testing/listener-count.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("Scope", () => {
  it("clears its timers on destroy, so none fires afterwards", () => {
    vi.useFakeTimers();
    const scope = new Scope();
    const fired = vi.fn();
    scope.setTimer(fired, 100);
    scope.setTimer(fired, 200);
    expect(vi.getTimerCount()).toBe(2);
    scope.destroy();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
    scope.setTimer(fired, 0); // a late timer from a callback already running is dropped too
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
  });

  it("clears one timer on request and forgets timers that fired", () => {
    vi.useFakeTimers();
    const scope = new Scope();
    const fired = vi.fn();
    const timer = scope.setTimer(fired, 100);
    scope.setTimer(fired, 50);
    scope.clearTimer(timer);
    scope.clearTimer(undefined);
    vi.advanceTimersByTime(100);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("removes every listener it added on destroy, and a once listener as soon as it fires", () => {
    const target = new EventTarget();
    const open = countListeners(target);
    const scope = new Scope();
    const always = vi.fn();
    const once = vi.fn();
    scope.listen(target, "a", always);
    scope.listen(target, "b", once, true);
    expect(open()).toEqual([2]);
    target.dispatchEvent(new Event("b"));
    target.dispatchEvent(new Event("b"));
    expect(once).toHaveBeenCalledTimes(1);
    expect(open()).toEqual([1]);
    scope.destroy();
    expect(open()).toEqual([0]);
    target.dispatchEvent(new Event("a"));
    expect(always).not.toHaveBeenCalled();
  });

  it("wakes a sleeper when destroyed, aborts its signal, and leaves no timer", async () => {
    vi.useFakeTimers();
    const scope = new Scope();
    const slept = scope.sleep(60_000);
    scope.destroy();
    await slept;
    expect(scope.destroyed).toBe(true);
    expect(scope.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sleeps for the time asked while alive", async () => {
    vi.useFakeTimers();
    const scope = new Scope();
    const woke = vi.fn();
    void scope.sleep(500).then(woke);
    await vi.advanceTimersByTimeAsync(499);
    expect(woke).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toHaveBeenCalledTimes(1);
    scope.destroy();
  });
});
