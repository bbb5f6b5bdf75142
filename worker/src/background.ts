// Work a request starts but does not wait for (a webhook's first attempt). The runtime entry
// decides how it outlives the answer: Workers hand settled() to ctx.waitUntil, Node and Deno
// simply keep running and await settled() before they close the database.
export interface Background {
  run(task: Promise<unknown>): void;
  /** Resolves once every task started so far (and any they started) has finished. */
  settled(): Promise<void>;
}

export function createBackground(): Background {
  const pending = new Set<Promise<unknown>>();
  return {
    run(task) {
      const tracked: Promise<unknown> = task
        .catch((error: unknown) => console.error("background task failed:", error))
        .finally(() => pending.delete(tracked));
      pending.add(tracked);
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
