// The transcode node's HTTP API as it is today (transcode-node/README.md): job and session requests
// the node validates, and the answers the worker's client parses. Errors are ErrorEnvelope.
import { z } from "zod";
import { BackendSchema, SegmentTypeSchema } from "./package-meta.ts";

/** Every error body, on the worker and on the node: a stable code and a message for people. */
export const ErrorEnvelopeSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** Where a source is: a path below the node's SOURCE_DIR, or a key in shared storage. */
export const NodeSourceSchema = z.union([z.object({ path: z.string().min(1) }).strict(), z.object({ storageKey: z.string().min(1) }).strict()]);
export type NodeSource = z.infer<typeof NodeSourceSchema>;

const Id = z.string().min(1).max(200);

export const JobRequestSchema = z
  .object({
    source: NodeSourceSchema,
    videoId: Id.optional(),
    segmentType: SegmentTypeSchema.optional(),
    segmentSeconds: z.number().int().min(1).max(30).optional(),
    ladder: z.array(z.number().int().min(16).max(4320)).min(1).max(8).optional(),
  })
  .strict();
export type JobRequest = z.infer<typeof JobRequestSchema>;

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobResultSchema = z.object({
  sha256: z.string(),
  storagePrefix: z.string(),
  durationMs: z.number(),
  deduplicated: z.boolean(),
  backend: BackendSchema,
  renditions: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(["video", "audio"]),
      playlist: z.string(),
      width: z.number().optional(),
      height: z.number().optional(),
      bandwidth: z.number(),
      averageBandwidth: z.number(),
      codecs: z.string(),
    }),
  ),
  thumbnails: z.object({ poster: z.string(), track: z.string(), sprites: z.array(z.string()) }).nullable(),
  warnings: z.array(z.string()),
});
export type JobResult = z.infer<typeof JobResultSchema>;

/** GET /v1/jobs/:id, and the answer to POST /v1/jobs (201). */
export const JobStateSchema = z.object({
  id: z.string(),
  status: JobStatusSchema,
  progress: z.number(),
  attempts: z.number(),
  videoId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().optional(),
  result: JobResultSchema.optional(),
});
export type JobState = z.infer<typeof JobStateSchema>;

export const SessionStartSchema = z
  .object({
    source: NodeSourceSchema,
    profile: z.number().int().min(144).max(2160).optional(),
    lease: Id,
    videoId: Id.optional(),
  })
  .strict();
export type SessionStart = z.infer<typeof SessionStartSchema>;

export const SessionLeaseSchema = z.object({ lease: Id });

export const NODE_SESSION_STATUSES = ["running", "completed", "failed", "stopped"] as const;

/** GET /v1/sessions/:id and the answer to POST /v1/sessions. */
export const NodeSessionStateSchema = z.object({
  id: z.string(),
  status: z.enum(NODE_SESSION_STATUSES),
  progress: z.number(),
  segments: z.number(),
  leases: z.number(),
  backend: BackendSchema,
  encoderPids: z.array(z.number()),
  error: z.string().optional(),
  storagePrefix: z.string().optional(),
  /** Each lease's last renewal (ISO time), keyed by lease. */
  leaseRenewedAt: z.record(z.string(), z.string()),
});
export type NodeSessionState = z.infer<typeof NodeSessionStateSchema>;
