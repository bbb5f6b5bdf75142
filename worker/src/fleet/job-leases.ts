// Packaging jobs as rows that nodes pull (issue 12). Every change a node makes goes through one
// conditional statement on the job's current lease (fencing): a node whose lease was taken over
// changes nothing, and its result is refused. No statement reads, decides, then writes.
import { and, eq, lt, sql } from "drizzle-orm";
import type { JobOutcome, JobState } from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import { newVideoId } from "../db/ids.ts";
import { jobs, type FleetJob } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { aliveSince } from "./node-status.ts";

export interface Claimant {
  nodeId: string;
  /** The claiming node has a working hardware encoder. */
  hardware: boolean;
}

const leaseEnd = (deps: AppDeps) => new Date(nowMs(deps) + deps.config.JOB_LEASE_SECONDS * 1000);

export async function enqueueJob(deps: AppDeps, request: { videoId: string; storageKey: string }): Promise<FleetJob> {
  const now = new Date(nowMs(deps));
  const [job] = await deps.db
    .insert(jobs)
    .values({ id: newVideoId(), videoId: request.videoId, sourceKey: request.storageKey, maxAttempts: deps.config.TRANSCODE_MAX_ATTEMPTS, createdAt: now, updatedAt: now })
    .returning();
  return job!;
}

/**
 * Claims the oldest job this node may run, in ONE statement (SQLite, libSQL and D1 run a statement
 * alone, and the outer condition is re-checked on the row being changed), so two nodes claiming at
 * once never get the same job. Claimable: queued, or running under a lapsed lease with attempts
 * left. A job known to need a transcode waits for a hardware node while a healthy one has a free
 * slot; a software node takes it otherwise.
 */
export async function claimJob(deps: AppDeps, claimant: Claimant): Promise<FleetJob | undefined> {
  const now = nowMs(deps);
  const claimable = (alias: string) =>
    sql.raw(`(${alias}status = 'queued' OR (${alias}status = 'running' AND ${alias}lease_expires_at < ${now} AND ${alias}attempts < ${alias}max_attempts))`);
  const next = sql`(SELECT j.id FROM jobs j WHERE ${claimable("j.")}
    AND (j.needs_transcode IS NOT 1 OR ${claimant.hardware ? 1 : 0} = 1 OR NOT ${freeHardwareNode(deps, claimant.nodeId, now)})
    ORDER BY j.created_at, j.id LIMIT 1)`;
  const [job] = await deps.db
    .update(jobs)
    .set({
      status: "running",
      leaseId: crypto.randomUUID(),
      nodeId: claimant.nodeId,
      leaseExpiresAt: leaseEnd(deps),
      attempts: sql`${jobs.attempts} + 1`,
      progress: 0,
      updatedAt: new Date(now),
    })
    .where(and(sql`${jobs.id} = ${next}`, claimable("")))
    .returning();
  return job;
}

/** SQL: another healthy node with a working hardware encoder reports a free job slot. */
function freeHardwareNode(deps: AppDeps, exceptNodeId: string, now: number) {
  return sql`EXISTS (SELECT 1 FROM transcode_nodes n WHERE n.hardware = 1 AND n.status = 'healthy' AND n.free_job_slots > 0
    AND n.last_seen_at >= ${aliveSince(deps.config, now)} AND n.id <> ${exceptNodeId})`;
}

/** Whether a software node should hand a transcode back: a free hardware node would take it now. */
export async function hardwareNodeFree(deps: AppDeps, exceptNodeId: string): Promise<boolean> {
  const [row] = await deps.db.all<{ free: number }>(sql`SELECT ${freeHardwareNode(deps, exceptNodeId, nowMs(deps))} AS free`);
  return Boolean(row?.free);
}

const underLease = (id: string, leaseId: string) => and(eq(jobs.id, id), eq(jobs.leaseId, leaseId), eq(jobs.status, "running"));
/** The lease as a node speaks for it: its own, never another node's (whatever lease id it sends). */
const underNodeLease = (id: string, nodeId: string, leaseId: string) => and(underLease(id, leaseId), eq(jobs.nodeId, nodeId));

/** Progress renews the lease; undefined when the lease is no longer this one (409 to the node). */
export async function reportProgress(deps: AppDeps, nodeId: string, id: string, report: { leaseId: string; progress: number; needsTranscode?: boolean | undefined }): Promise<FleetJob | undefined> {
  const [job] = await deps.db
    .update(jobs)
    .set({
      progress: report.progress,
      leaseExpiresAt: leaseEnd(deps),
      updatedAt: new Date(nowMs(deps)),
      ...(report.needsTranscode !== undefined ? { needsTranscode: report.needsTranscode } : {}),
    })
    .where(underNodeLease(id, nodeId, report.leaseId))
    .returning();
  return job;
}

/**
 * The job's result, accepted only under its current lease. A lease past its expiry that nobody took
 * over is still the current one: the work was done once, so it counts.
 */
export async function finishJob(deps: AppDeps, nodeId: string, id: string, outcome: JobOutcome): Promise<FleetJob | undefined> {
  const [job] = await deps.db
    .update(jobs)
    .set({
      status: outcome.status,
      leaseExpiresAt: null,
      updatedAt: new Date(nowMs(deps)),
      ...(outcome.status === "succeeded" ? { result: outcome.result, progress: 1 } : { error: outcome.error }),
    })
    .where(underNodeLease(id, nodeId, outcome.leaseId))
    .returning();
  return job;
}

/** Hands a job back without counting the attempt: its node is stopping, or it wants a hardware node. */
export async function releaseJob(deps: AppDeps, nodeId: string, id: string, release: { leaseId: string; needsTranscode?: boolean | undefined }): Promise<FleetJob | undefined> {
  const [job] = await deps.db
    .update(jobs)
    .set({
      status: "queued",
      leaseId: null,
      nodeId: null,
      leaseExpiresAt: null,
      progress: 0,
      attempts: sql`max(${jobs.attempts} - 1, 0)`,
      updatedAt: new Date(nowMs(deps)),
      ...(release.needsTranscode !== undefined ? { needsTranscode: release.needsTranscode } : {}),
    })
    .where(underNodeLease(id, nodeId, release.leaseId))
    .returning();
  return job;
}

/** Releases every lease a node holds (it re-registered after a crash, or an operator removed it). */
export async function releaseNodeJobs(deps: AppDeps, nodeId: string): Promise<void> {
  await deps.db
    .update(jobs)
    .set({ status: "queued", leaseId: null, nodeId: null, leaseExpiresAt: null, progress: 0, updatedAt: new Date(nowMs(deps)) })
    .where(and(eq(jobs.nodeId, nodeId), eq(jobs.status, "running")));
}

/**
 * The job as the packaging layer reads it. A running job whose lease lapsed with no attempt left is
 * failed here, at read time (fenced on that lease, so a late result and this cannot both land).
 */
export async function readJob(deps: AppDeps, id: string): Promise<FleetJob | undefined> {
  const job = await deps.db.query.jobs.findFirst({ where: eq(jobs.id, id) });
  const now = nowMs(deps);
  if (!job || job.status !== "running" || !job.leaseId || !job.leaseExpiresAt || job.leaseExpiresAt.getTime() >= now || job.attempts < job.maxAttempts) return job;
  const error = `packaging gave up after ${job.attempts} attempt${job.attempts === 1 ? "" : "s"}: the transcode node running it stopped answering each time; upload the video again`;
  const [failed] = await deps.db
    .update(jobs)
    .set({ status: "failed", error, leaseExpiresAt: null, updatedAt: new Date(now) })
    .where(and(underLease(id, job.leaseId), lt(jobs.leaseExpiresAt, new Date(now))))
    .returning();
  return failed ?? deps.db.query.jobs.findFirst({ where: eq(jobs.id, id) });
}

/** A job row in the node API's JobState shape, so the packaging layer reads the fleet and a single node alike. */
export function jobState(job: FleetJob): JobState {
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    videoId: job.videoId,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    ...(job.error ? { error: job.error } : {}),
    ...(job.result ? { result: job.result } : {}),
  };
}

/** The fleet as a packaging backend: the same two calls the single node's client offers. */
export function fleetPackaging(deps: AppDeps) {
  return {
    createJob: async (request: { storageKey: string; videoId: string }) => jobState(await enqueueJob(deps, request)),
    getJob: async (id: string) => {
      const job = await readJob(deps, id);
      return job ? jobState(job) : null;
    },
  };
}
