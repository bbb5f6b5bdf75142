// The queue's own logic with plain async job functions (no media involved).
import { describe, expect, it } from "vitest";
import { MediaInputError } from "../errors.ts";
import type { JobResult } from "@edgestream/contracts";
import { JobQueue, QueueFullError, type JobEvent } from "./job-queue.ts";

const RESULT = { sha256: "x", storagePrefix: "x", durationMs: 1, deduplicated: false, backend: "software", renditions: [], thumbnails: null, warnings: [] } satisfies JobResult;
const settle = (queue: JobQueue<string>, id: string) =>
  new Promise<JobEvent[]>((resolve) => {
    const events: JobEvent[] = [];
    queue.subscribe(id, (e) => {
      events.push(e);
      if (e.type === "completed" || e.type === "failed" || e.type === "cancelled") resolve(events);
    });
  });

describe("JobQueue", () => {
  it("retries a transient failure with exponential backoff, then succeeds", async () => {
    let calls = 0;
    const queue = new JobQueue<string>({ concurrency: 1, limit: 10, retries: 2, retryBaseMs: 5, run: async () => (++calls < 3 ? Promise.reject(new Error("storage timed out")) : RESULT) });
    const job = queue.submit("a");
    const events = await settle(queue, job.id);
    expect(events.filter((e) => e.type === "retry")).toEqual([
      { type: "retry", attempt: 2, delayMs: 5, error: "storage timed out" },
      { type: "retry", attempt: 3, delayMs: 10, error: "storage timed out" },
    ]);
    expect(queue.get(job.id)).toMatchObject({ status: "succeeded", attempts: 3, progress: 1, result: RESULT });
  });

  it("forgets finished jobs past their retention, but never a running one", async () => {
    let release!: () => void;
    const queue = new JobQueue<string>({ concurrency: 2, limit: 10, retries: 0, retryBaseMs: 1, retainMs: 0, run: (r) => (r === "slow" ? new Promise((ok) => (release = () => ok(RESULT))) : Promise.resolve(RESULT)) });
    const done = queue.submit("quick");
    await new Promise<void>((resolve) => {
      const off = queue.subscribe(done.id, (e) => e.type === "completed" && (off(), resolve()));
    });
    const slow = queue.submit("slow");
    expect(queue.get(done.id)).toBeUndefined();
    queue.submit("another");
    expect(queue.get(slow.id)?.status).toBe("running");
    release();
  });

  it("does not retry what is wrong with the input, and gives up after the retries", async () => {
    const queue = new JobQueue<string>({ concurrency: 1, limit: 10, retries: 1, retryBaseMs: 1, run: async (r) => Promise.reject(r === "bad" ? new MediaInputError("input is empty (0 bytes)") : new Error("disk full")) });
    const bad = queue.submit("bad");
    await settle(queue, bad.id);
    expect(queue.get(bad.id)).toMatchObject({ status: "failed", attempts: 1, error: "input is empty (0 bytes)" });
    const flaky = queue.submit("flaky");
    await settle(queue, flaky.id);
    expect(queue.get(flaky.id)).toMatchObject({ status: "failed", attempts: 2, error: "disk full" });
  });

  it("runs at most `concurrency` jobs, refuses beyond the limit, cancels queued and running jobs", async () => {
    const started: string[] = [];
    const queue = new JobQueue<string>({
      concurrency: 1, limit: 2, retries: 0, retryBaseMs: 1,
      run: (r, { signal }) => {
        started.push(r);
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
      },
    });
    const a = queue.submit("a");
    const b = queue.submit("b");
    const c = queue.submit("c");
    expect(() => queue.submit("d")).toThrow(QueueFullError);
    expect(started).toEqual(["a"]);
    expect(queue.depth()).toEqual({ queued: 2, running: 1 });
    expect(queue.cancel(b.id)).toBe(true);
    expect(queue.cancel(a.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual(["a", "c"]);
    expect([queue.get(a.id)?.status, queue.get(b.id)?.status, queue.get(c.id)?.status]).toEqual(["cancelled", "cancelled", "running"]);
    expect(queue.cancel(a.id)).toBe(false);
    await queue.close();
    expect(queue.get(c.id)?.status).toBe("cancelled");
  });
});
