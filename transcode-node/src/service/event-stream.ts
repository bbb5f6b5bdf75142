// Server-sent events for one job or session: a snapshot, then each event as it happens, until the
// subject is done or the client goes away. Shared by the jobs API and the session API.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

export interface EventSource<E extends { type: string }> {
  snapshot: unknown;
  subscribe(listener: (event: E) => void): () => void;
  /** True once no more events will come (checked after each event, and every `recheckMs`). */
  done(): boolean;
  recheckMs?: number;
}

export function streamEvents<E extends { type: string }>(c: Context, source: EventSource<E>): Response {
  return streamSSE(c, async (stream) => {
    const pending: E[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = source.subscribe((event) => {
      pending.push(event);
      wake?.();
    });
    stream.onAbort(() => wake?.());
    try {
      await stream.writeSSE({ event: "snapshot", data: JSON.stringify(source.snapshot) });
      while (!stream.aborted && (!source.done() || pending.length > 0)) {
        if (pending.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (source.recheckMs) setTimeout(resolve, source.recheckMs);
          });
          wake = null;
          continue;
        }
        const event = pending.shift()!;
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
      }
    } finally {
      unsubscribe();
    }
  });
}
