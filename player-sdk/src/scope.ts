// What a component starts, it stops: the timers and event listeners it adds through its scope are
// all undone by one destroy(), so no component has to keep its own list (hls.js pairs on/off the same way).
export type Timer = ReturnType<typeof setTimeout>;

export class Scope {
  private readonly abort = new AbortController();
  private readonly timers = new Set<Timer>();
  private readonly undo = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();

  /** Aborts when the scope is destroyed: pass it to fetch. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get destroyed(): boolean {
    return this.abort.signal.aborted;
  }

  /** A timeout that never fires once the scope is destroyed. */
  setTimer(fn: () => void, ms: number): Timer {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.destroyed) fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(timer: Timer | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Resolves after `ms`, or at once when the scope is destroyed (check `destroyed` after awaiting). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      this.setTimer(wake, ms);
    });
  }

  /** Adds a listener that destroy() removes; a `once` listener removes itself when it fires. */
  listen(target: EventTarget, name: string, fn: (event: Event) => void, once = false): void {
    const off = () => {
      target.removeEventListener(name, handler);
      this.undo.delete(off);
    };
    const handler = (event: Event) => {
      if (once) off();
      fn(event);
    };
    target.addEventListener(name, handler);
    this.undo.add(off);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const off of [...this.undo]) off();
    for (const wake of [...this.sleepers]) wake();
  }
}
