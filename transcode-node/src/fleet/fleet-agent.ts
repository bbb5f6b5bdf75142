// The fleet agent (issue 12): registers this node with its worker, heartbeats what it can do, claims
// jobs while it has a free slot, runs each through the node's own job queue (the same packaging as
// POST /v1/jobs), renews the lease with progress, and reports the result under that lease.
// stop() (SIGTERM) hands every running job back at once; drain() (SIGUSR2) stops claiming and lets
// running jobs finish.
import { cpus, loadavg } from "node:os";
import type { JobClaim, JobOutcome, JobRequest, NodeReport, StorageDriver } from "@edgestream/contracts";
import { redactPaths } from "../errors.ts";
import type { HardwareRegistry } from "../hw-registry.ts";
import type { NodeConfig } from "../service/config.ts";
import type { JobQueue } from "../service/job-queue.ts";
import type { SessionRegistry } from "../sessions/session-registry.ts";
import type { SessionVideos } from "./session-videos.ts";
import { sourceNeedsTranscode } from "./source-needs-transcode.ts";
import { createWorkerApi, LeaseLostError, WorkerApiError, type WorkerApi } from "./worker-api.ts";

export interface FleetAgentDeps {
  config: NodeConfig & { WORKER_URL: string; NODE_REGISTRATION_SECRET: string };
  queue: JobQueue<JobRequest>;
  sessions: SessionRegistry;
  /** The videos those sessions serve, as the worker named them. */
  sessionVideos: SessionVideos;
  hardware: HardwareRegistry;
  storage: StorageDriver;
  log?: (line: string) => void;
}

interface RunningJob {
  claim: JobClaim;
  localId: string;
  progress: number;
  unsubscribe: () => void;
}

type AgentState = "registering" | "healthy" | "draining" | "stopped";

/** How long stop() waits for the worker to take the jobs back: the lifecycle bound is a few seconds. */
const STOP_BUDGET_MS = 2000;

export class FleetAgent {
  private readonly api: WorkerApi;
  private readonly running = new Map<string, RunningJob>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private state: AgentState = "registering";
  private credential: string | undefined;
  private claiming = false;
  private nodeId: string | undefined;

  constructor(private readonly deps: FleetAgentDeps) {
    this.api = createWorkerApi(deps.config.WORKER_URL);
  }

  get id(): string | undefined {
    return this.nodeId;
  }

  /** Claims now rather than at the next FLEET_CLAIM_INTERVAL_MS tick (tests; an operator's nudge). */
  poll(): Promise<void> {
    return this.claimWhileFree();
  }

  /** Registers (retrying until the worker answers), then runs the heartbeat, claim and renewal loops. */
  start(): void {
    void this.register();
  }

  /** SIGUSR2: take no new job; running ones finish and report. The node stays up (stop it once drained). */
  drain(): void {
    if (this.state === "stopped") return;
    this.state = "draining";
    this.log(`draining: no new jobs; ${this.running.size} running job(s) will finish`);
    void this.heartbeat();
  }

  /** SIGTERM: say draining and hand every running job back, within a bounded time; the caller then cancels the local jobs. */
  async stop(): Promise<void> {
    const wasRegistered = this.credential !== undefined && this.state !== "registering";
    this.state = "stopped";
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const handedBack = [...this.running.values()];
    this.running.clear();
    for (const job of handedBack) job.unsubscribe();
    if (!wasRegistered) return;
    const credential = this.credential!;
    const work = Promise.allSettled([
      this.api.heartbeat(credential, await this.report("draining")),
      ...handedBack.map((job) => this.api.release(credential, job.claim.jobId, job.claim.leaseId)),
    ]);
    await Promise.race([work, new Promise((r) => setTimeout(r, STOP_BUDGET_MS).unref())]);
  }

  private log(line: string): void {
    (this.deps.log ?? ((l) => process.stderr.write(`edgestream transcode node: ${l}\n`)))(line);
  }

  private every(ms: number, task: () => Promise<void>): void {
    const tick = () => {
      if (this.state === "stopped") return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void task().finally(tick);
      }, ms);
      this.timers.add(timer);
    };
    tick();
  }

  private async register(): Promise<void> {
    const { config } = this.deps;
    while (this.state === "registering") {
      try {
        const registered = await this.api.register(
          { name: config.NODE_NAME, ...(config.PUBLIC_URL ? { url: config.PUBLIC_URL } : {}), report: await this.report("healthy") },
          config.NODE_REGISTRATION_SECRET,
        );
        if (this.state !== "registering") return;
        this.credential = registered.credential;
        this.nodeId = registered.nodeId;
        this.state = "healthy";
        this.log(`registered with ${config.WORKER_URL} as ${config.NODE_NAME} (${registered.nodeId})`);
        this.every(registered.heartbeatSeconds * 1000, () => this.heartbeat());
        this.every(config.FLEET_CLAIM_INTERVAL_MS, () => this.claimWhileFree());
        this.every((registered.leaseSeconds * 1000) / 3, () => this.renewLeases());
        void this.claimWhileFree();
      } catch (error) {
        this.log(`registration failed, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async report(status: NodeReport["status"]): Promise<NodeReport> {
    const { config, hardware, sessions, sessionVideos } = this.deps;
    const { encoders } = await hardware.snapshot();
    const working = encoders.filter((e) => e.working && e.healthy);
    const { backend } = await hardware.choose(config.HWACCEL);
    return {
      status,
      encoders: ["libx264", ...working.map((e) => e.encoder)],
      hardware: working.length > 0,
      slots: [{ device: backend, jobs: status === "healthy" ? Math.max(0, config.JOB_CONCURRENCY - this.running.size) : 0, sessions: Math.max(0, config.SESSION_MAX - sessions.size) }],
      runningJobs: [...this.running.values()].map((job) => job.claim.videoId),
      runningSessions: sessionVideos.of(sessions.sessions()),
      load: Math.round((loadavg()[0]! / Math.max(1, cpus().length)) * 100) / 100,
    };
  }

  private async heartbeat(): Promise<void> {
    if (!this.credential || this.state === "stopped" || this.state === "registering") return;
    try {
      await this.api.heartbeat(this.credential, await this.report(this.state));
    } catch (error) {
      if (error instanceof WorkerApiError && error.status === 401) {
        // Removed by an operator or replaced: register again (the worker hands our old leases back).
        this.log("the worker no longer knows this node's credential: registering again");
        this.abandonAll();
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        this.state = "registering";
        void this.register();
      } else this.log(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  private async claimWhileFree(): Promise<void> {
    if (this.claiming) return;
    this.claiming = true;
    try {
      while (this.state === "healthy" && this.credential && this.running.size < this.deps.config.JOB_CONCURRENCY) {
        const claim = await this.api.claim(this.credential);
        if (!claim) break;
        if (this.state !== "healthy") {
          await this.api.release(this.credential, claim.jobId, claim.leaseId).catch(() => {});
          break;
        }
        await this.take(claim);
      }
    } catch (error) {
      this.log(`claim failed: ${(error as Error).message}`);
    } finally {
      this.claiming = false;
    }
  }

  /**
   * A software node that is told a hardware node is free probes a source nobody has probed yet, and
   * hands a transcode back (the worker then keeps it for the hardware node); anything else runs here.
   */
  private async take(claim: JobClaim): Promise<void> {
    if (claim.preferHardware && claim.needsTranscode === null) {
      const { config, storage } = this.deps;
      const needs = await sourceNeedsTranscode(storage, claim.source.storageKey, { workRoot: config.WORK_DIR, probeTimeoutMs: config.PROBE_TIMEOUT_MS }).catch(() => false);
      if (needs) {
        await this.api.release(this.credential!, claim.jobId, claim.leaseId, true);
        this.log(`job ${claim.jobId} needs a transcode and a hardware node is free: handed back`);
        return;
      }
    }
    this.run(claim);
  }

  private run(claim: JobClaim): void {
    const { queue } = this.deps;
    const local = queue.submit({ source: { storageKey: claim.source.storageKey }, videoId: claim.videoId });
    const job: RunningJob = { claim, localId: local.id, progress: 0, unsubscribe: () => {} };
    this.running.set(claim.jobId, job);
    this.log(`claimed job ${claim.jobId} (video ${claim.videoId}, attempt ${claim.attempts})`);
    job.unsubscribe = queue.subscribe(local.id, (event) => {
      if (event.type === "progress") job.progress = event.progress;
      if (event.type === "completed") void this.finish(job, { leaseId: claim.leaseId, status: "succeeded", result: event.result });
      // The node's own words may name work folders; the worker shows this to viewers.
      if (event.type === "failed") void this.finish(job, { leaseId: claim.leaseId, status: "failed", error: redactPaths(event.error) });
    });
  }

  private async finish(job: RunningJob, outcome: JobOutcome): Promise<void> {
    if (this.running.get(job.claim.jobId) !== job) return;
    this.running.delete(job.claim.jobId);
    job.unsubscribe();
    for (let attempt = 1; this.state !== "stopped" && this.credential; attempt++) {
      try {
        await this.api.finish(this.credential, job.claim.jobId, outcome);
        this.log(`job ${job.claim.jobId} ${outcome.status}`);
        break;
      } catch (error) {
        if (error instanceof LeaseLostError || attempt >= 5) {
          this.log(`result of job ${job.claim.jobId} not recorded: ${(error as Error).message}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    void this.claimWhileFree();
  }

  /** Progress renews each lease; a lease taken over (409) means another node has the job: stop ours. */
  private async renewLeases(): Promise<void> {
    const credential = this.credential;
    if (!credential) return;
    await Promise.all(
      [...this.running.values()].map(async (job) => {
        try {
          await this.api.progress(credential, job.claim.jobId, job.claim.leaseId, job.progress);
        } catch (error) {
          if (!(error instanceof LeaseLostError) || this.running.get(job.claim.jobId) !== job) return this.log(`renewing job ${job.claim.jobId}: ${(error as Error).message}`);
          this.log(`job ${job.claim.jobId} was taken over: cancelling it here`);
          this.running.delete(job.claim.jobId);
          job.unsubscribe();
          this.deps.queue.cancel(job.localId);
        }
      }),
    );
  }

  private abandonAll(): void {
    for (const job of this.running.values()) {
      job.unsubscribe();
      this.deps.queue.cancel(job.localId);
    }
    this.running.clear();
  }
}
