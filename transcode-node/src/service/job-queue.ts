// A bounded in-memory job queue: at most `concurrency` jobs run, at most `limit` wait; transient
// failures are retried with exponential backoff; cancel aborts the ffmpeg run. Each job has a
// listener set for the event stream. Jobs are kept in memory (the worker holds the durable state).
import { randomUUID } from "node:crypto";
import { PackageMetaError, type JobResult, type JobStatus } from "@edgestream/contracts";
import { CancelledError, MediaInputError } from "../errors.ts";

export const TERMINAL: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

export interface Job<Req> {
  id: string;
  status: JobStatus;
  progress: number;
  request: Req;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  error?: string;
  result?: JobResult;
}

export type JobEvent =
  | { type: "status"; status: JobStatus; attempts: number }
  | { type: "progress"; progress: number }
  | { type: "warning"; message: string }
  | { type: "retry"; attempt: number; delayMs: number; error: string }
  | { type: "completed"; result: JobResult }
  | { type: "failed"; error: string }
  | { type: "cancelled" };

export interface JobContext {
  signal: AbortSignal;
  progress(fraction: number): void;
  warn(message: string): void;
}

export interface JobQueueOptions<Req> {
  concurrency: number;
  limit: number;
  retries: number;
  retryBaseMs: number;
  run: (request: Req, context: JobContext) => Promise<JobResult>;
  /** Called on every state change (metrics). */
  onChange?: (job: Job<Req>, event: JobEvent) => void;
  /** How long a finished job stays readable (the worker pulls its state); default one hour. */
  retainMs?: number;
}

export class QueueFullError extends Error {
  constructor(limit: number) {
    super(`the job queue is full (${limit} waiting): try again later`);
    this.name = "QueueFullError";
  }
}

/** Failures worth retrying: not the input's fault, not a cancel, not a stored package's broken meta.json. */
export function isTransient(error: unknown): boolean {
  return !(error instanceof MediaInputError || error instanceof CancelledError || error instanceof RangeError || error instanceof PackageMetaError);
}

interface Entry<Req> {
  job: Job<Req>;
  controller: AbortController;
  listeners: Set<(event: JobEvent) => void>;
}

export class JobQueue<Req> {
  private readonly entries = new Map<string, Entry<Req>>();
  private readonly waiting: string[] = [];
  private running = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: JobQueueOptions<Req>) {}

  submit(request: Req): Job<Req> {
    if (this.waiting.length >= this.options.limit) throw new QueueFullError(this.options.limit);
    this.forgetOld();
    const now = new Date().toISOString();
    const job: Job<Req> = { id: randomUUID(), status: "queued", progress: 0, request, attempts: 0, createdAt: now, updatedAt: now };
    this.entries.set(job.id, { job, controller: new AbortController(), listeners: new Set() });
    this.waiting.push(job.id);
    this.emit(job.id, { type: "status", status: "queued", attempts: 0 });
    this.pump();
    return job;
  }

  get(id: string): Job<Req> | undefined {
    return this.entries.get(id)?.job;
  }

  depth(): { queued: number; running: number } {
    return { queued: this.waiting.length, running: this.running };
  }

  /** Listens to one job's events; returns the unsubscribe. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    const entry = this.entries.get(id);
    if (!entry) return () => {};
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Cancels a queued or running job; false when it had already finished. */
  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || TERMINAL.has(entry.job.status)) return false;
    const index = this.waiting.indexOf(id);
    if (index >= 0) this.waiting.splice(index, 1);
    entry.controller.abort();
    this.finish(entry, "cancelled", { type: "cancelled" });
    return true;
  }

  /** Cancels everything and waits for running jobs to stop (their ffmpeg processes end). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const [id, entry] of this.entries) if (!TERMINAL.has(entry.job.status)) this.cancel(id);
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency && this.waiting.length > 0) {
      const entry = this.entries.get(this.waiting.shift()!);
      if (entry) void this.start(entry);
    }
  }

  private async start(entry: Entry<Req>): Promise<void> {
    const { job } = entry;
    this.running++;
    job.attempts++;
    this.update(entry, { status: "running" });
    this.emit(job.id, { type: "status", status: "running", attempts: job.attempts });
    try {
      const result = await this.options.run(job.request, {
        signal: entry.controller.signal,
        progress: (fraction) => {
          const progress = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 1000;
          if (progress === job.progress || TERMINAL.has(job.status)) return;
          this.update(entry, { progress });
          this.emit(job.id, { type: "progress", progress });
        },
        warn: (message) => this.emit(job.id, { type: "warning", message }),
      });
      if (!TERMINAL.has(job.status)) {
        job.result = result;
        this.update(entry, { progress: 1 });
        this.finish(entry, "succeeded", { type: "completed", result });
      }
    } catch (error) {
      if (TERMINAL.has(job.status)) return; // cancelled while running
      const message = (error as Error).message.split("\n")[0] ?? "unknown error";
      if (isTransient(error) && job.attempts <= this.options.retries && !this.closed) {
        const delayMs = this.options.retryBaseMs * 2 ** (job.attempts - 1);
        this.update(entry, { status: "queued", progress: 0 });
        this.emit(job.id, { type: "retry", attempt: job.attempts + 1, delayMs, error: message });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (job.status !== "queued") return;
          this.waiting.unshift(job.id);
          this.pump();
        }, delayMs);
        this.timers.add(timer);
      } else {
        job.error = message;
        this.finish(entry, "failed", { type: "failed", error: message });
      }
    } finally {
      this.running--;
      this.pump();
    }
  }

  /** Finished jobs past their retention go: the node's memory stays bounded; the worker keeps the record. */
  private forgetOld(): void {
    const before = Date.now() - (this.options.retainMs ?? 3_600_000);
    for (const [id, entry] of this.entries) {
      if (TERMINAL.has(entry.job.status) && Date.parse(entry.job.updatedAt) <= before && entry.listeners.size === 0) this.entries.delete(id);
    }
  }

  private finish(entry: Entry<Req>, status: JobStatus, event: JobEvent): void {
    this.update(entry, { status });
    this.emit(entry.job.id, { type: "status", status, attempts: entry.job.attempts });
    this.emit(entry.job.id, event);
  }

  private update(entry: Entry<Req>, patch: Partial<Job<Req>>): void {
    Object.assign(entry.job, patch, { updatedAt: new Date().toISOString() });
  }

  private emit(id: string, event: JobEvent): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.options.onChange?.(entry.job, event);
    for (const listener of entry.listeners) listener(event);
  }
}
