// Node and Deno: the periodic work on a timer. Runs never overlap (a slow run makes the next tick
// skip), and stop() waits for the run in progress, so the database closes after it.
export interface PeriodicTimer {
  stop(): Promise<void>;
}

export function startPeriodicTimer(run: () => Promise<unknown>, intervalMs: number): PeriodicTimer {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= run()
      .catch((error: unknown) => console.error("periodic work failed:", error))
      .finally(() => (running = null));
  }, intervalMs);
  // A timer alone does not keep a Node process alive (the server does).
  (timer as { unref?: () => void }).unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
