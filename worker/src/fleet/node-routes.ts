// The node API under /api/nodes: register, heartbeat, claim a job, report its progress and result,
// or hand it back. Every job call names the lease it holds; a stale lease is answered 409.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  JobClaimSchema,
  JobOutcomeSchema,
  JobProgressReportSchema,
  JobReleaseSchema,
  LeaseRenewedSchema,
  NodeRegisteredSchema,
  NodeRegisterSchema,
  NodeReportSchema,
  type JobClaim,
} from "@edgestream/contracts";
import { nowMs } from "../clock.ts";
import { findVideo } from "../db/videos.ts";
import type { FleetJob } from "../db/schema.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { refreshVideo } from "../playback/resolve.ts";
import { jsonContent } from "../routes/openapi-helpers.ts";
import { ErrorSchema } from "../routes/schemas.ts";
import { claimJob, hardwareNodeFree, finishJob, releaseJob, releaseNodeJobs, reportProgress } from "./job-leases.ts";
import { nodeStatus } from "./node-status.ts";
import { recordHeartbeat, registerNode } from "./registry.ts";

const JobIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a job id").openapi({ param: { name: "id", in: "path" } }) });
const json = <T extends z.ZodType>(schema: T) => ({ body: { content: { "application/json": { schema } }, required: true } });
const nodeBearer = [{ bearer: [] }];
const errors = {
  400: jsonContent(ErrorSchema, "invalid input: the message names the field"),
  401: jsonContent(ErrorSchema, "missing or unknown credential"),
  404: jsonContent(ErrorSchema, "this worker runs no fleet, or no such job"),
} as const;
const leaseLost = { 409: jsonContent(ErrorSchema, "the lease is no longer this node's: drop the job") } as const;

const register = createRoute({
  method: "post",
  path: "/register",
  summary: "A node joins the fleet with NODE_REGISTRATION_SECRET and gets its own credential (a restart re-registers by name)",
  security: nodeBearer,
  request: json(NodeRegisterSchema),
  responses: { 201: jsonContent(NodeRegisteredSchema, "registered"), ...errors },
});
const heartbeat = createRoute({
  method: "post",
  path: "/heartbeat",
  summary: "What the node can do now; three missed intervals make it lost",
  security: nodeBearer,
  request: json(NodeReportSchema),
  responses: { 204: { description: "recorded" }, ...errors },
});
const claim = createRoute({
  method: "post",
  path: "/claim",
  summary: "Claim the next job this node may run, under a lease",
  security: nodeBearer,
  responses: { 200: jsonContent(JobClaimSchema, "a job, leased to this node"), 204: { description: "nothing to run (or the node is draining)" }, ...errors },
});
const progress = createRoute({
  method: "post",
  path: "/jobs/{id}/progress",
  summary: "Progress; renews the lease",
  security: nodeBearer,
  request: { params: JobIdParam, ...json(JobProgressReportSchema) },
  responses: { 200: jsonContent(LeaseRenewedSchema, "lease renewed"), ...errors, ...leaseLost },
});
const result = createRoute({
  method: "post",
  path: "/jobs/{id}/result",
  summary: "The job's outcome, recorded only under its current lease",
  security: nodeBearer,
  request: { params: JobIdParam, ...json(JobOutcomeSchema) },
  responses: { 204: { description: "recorded" }, ...errors, ...leaseLost },
});
const release = createRoute({
  method: "post",
  path: "/jobs/{id}/release",
  summary: "Hand the job back to the queue (no attempt counted)",
  security: nodeBearer,
  request: { params: JobIdParam, ...json(JobReleaseSchema) },
  responses: { 204: { description: "back in the queue" }, ...errors, ...leaseLost },
});

function fenced(job: FleetJob | undefined): FleetJob {
  if (!job) throw new HttpError(409, "lease_lost", "this job is not leased to you any more (it lapsed and was taken over, or it finished): drop it; nothing was recorded");
  return job;
}

function claimView(job: FleetJob, preferHardware: boolean): JobClaim {
  return {
    jobId: job.id,
    leaseId: job.leaseId!,
    leaseExpiresAt: job.leaseExpiresAt!.toISOString(),
    videoId: job.videoId,
    source: { storageKey: job.sourceKey },
    needsTranscode: job.needsTranscode,
    preferHardware,
    attempts: job.attempts,
  };
}

/** Registration (registration secret) and the rest (node credential); mounted by app.ts with their auth. */
export function nodeRegistrationRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(register, async (c) => {
    const { node, credential } = await registerNode(deps, c.req.valid("json"));
    // A node registering again under its name restarted: what it held is gone with its old process.
    await releaseNodeJobs(deps, node.id);
    return c.json({ nodeId: node.id, credential, heartbeatSeconds: deps.config.NODE_HEARTBEAT_SECONDS, leaseSeconds: deps.config.JOB_LEASE_SECONDS }, 201);
  });
}

export function nodeRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(heartbeat, async (c) => {
      await recordHeartbeat(deps, c.get("node").id, c.req.valid("json"));
      return c.body(null, 204);
    })
    .openapi(claim, async (c) => {
      const node = c.get("node");
      if (nodeStatus(deps.config, node, nowMs(deps)) !== "healthy") return c.body(null, 204);
      const job = await claimJob(deps, { nodeId: node.id, hardware: node.hardware });
      if (!job) return c.body(null, 204);
      // Only a software node with a job nobody has probed yet needs to know.
      const preferHardware = !node.hardware && job.needsTranscode === null && (await hardwareNodeFree(deps, node.id));
      return c.json(claimView(job, preferHardware), 200);
    })
    .openapi(progress, async (c) => {
      const job = fenced(await reportProgress(deps, c.get("node").id, c.req.valid("param").id, c.req.valid("json")));
      return c.json({ leaseExpiresAt: job.leaseExpiresAt!.toISOString() }, 200);
    })
    .openapi(result, async (c) => {
      const job = fenced(await finishJob(deps, c.get("node").id, c.req.valid("param").id, c.req.valid("json")));
      // The video moves on now rather than at the next /stream (through the one status writer).
      const video = await findVideo(deps.db, job.videoId);
      if (video) await refreshVideo(deps, video);
      return c.body(null, 204);
    })
    .openapi(release, async (c) => {
      fenced(await releaseJob(deps, c.get("node").id, c.req.valid("param").id, c.req.valid("json")));
      return c.body(null, 204);
    });
}
