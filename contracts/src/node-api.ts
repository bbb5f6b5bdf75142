// The transcode node's HTTP API (transcode-node/README.md): job and session requests
// the node validates, and the answers the worker's client parses. Errors are ErrorEnvelope.
import { z } from "zod";
import { POSTER_FILE, THUMBNAIL_DIR, THUMBNAIL_TRACK } from "./package-layout.ts";
import { BackendSchema, SegmentTypeSchema, Sha256Schema } from "./package-meta.ts";

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

/** A file of a package's `thumbnails/` folder exactly as the node names it (package-layout.ts). */
const thumbnailFile = (name: string) => z.string().refine((path) => path === `${THUMBNAIL_DIR}/${name}`, { error: `must be ${THUMBNAIL_DIR}/${name}, below the package` });

/**
 * A finished job, as the worker accepts it from a node: the package is the source's, stored under
 * its SHA-256 (so a node cannot point a video at some other prefix), its thumbnails where the node
 * writes them. The worker cannot check the hash itself without reading the source again.
 */
export const JobResultSchema = z
  .object({
    sha256: Sha256Schema,
    storagePrefix: z.string(),
    durationMs: z.number(),
    deduplicated: z.boolean(),
    backend: BackendSchema,
    renditions: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(["video", "audio", "subtitle"]),
        playlist: z.string(),
        language: z.string().max(35).optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        bandwidth: z.number(),
        averageBandwidth: z.number(),
        codecs: z.string(),
      }),
    ),
    thumbnails: z.object({ poster: thumbnailFile(POSTER_FILE), track: thumbnailFile(THUMBNAIL_TRACK), sprites: z.array(z.string()) }).nullable(),
    warnings: z.array(z.string()),
  })
  .refine((result) => result.storagePrefix === result.sha256, { path: ["storagePrefix"], error: "must be the source's SHA-256 (packages are stored under it)" });
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

/** Who asks for a session: a playing viewer, or a pre-warm (SDK `prewarm()`), the first to be refused or stopped when slots run out. */
export const SESSION_PRIORITIES = ["viewer", "prewarm"] as const;
export type SessionPriority = (typeof SESSION_PRIORITIES)[number];

export const SessionStartSchema = z
  .object({
    source: NodeSourceSchema,
    profile: z.number().int().min(144).max(2160).optional(),
    lease: Id,
    videoId: Id.optional(),
    /** Default viewer. A viewer's start promotes a pre-warm session it attaches to. */
    priority: z.enum(SESSION_PRIORITIES).optional(),
  })
  .strict();
export type SessionStart = z.infer<typeof SessionStartSchema>;

/** A heartbeat: a viewer's (the default) promotes a pre-warm session; a pre-warm's only renews its lease. */
export const SessionLeaseSchema = z.object({ lease: Id, priority: z.enum(SESSION_PRIORITIES).optional() });

export const NODE_SESSION_STATUSES = ["running", "completed", "failed", "stopped"] as const;

/** GET /v1/sessions/:id and the answer to POST /v1/sessions. */
export const NodeSessionStateSchema = z.object({
  id: z.string(),
  status: z.enum(NODE_SESSION_STATUSES),
  progress: z.number(),
  segments: z.number(),
  leases: z.number(),
  /** prewarm while only pre-warms asked for it (SessionStart.priority); viewer once someone plays it. */
  priority: z.enum(SESSION_PRIORITIES),
  backend: BackendSchema,
  encoderPids: z.array(z.number()),
  error: z.string().optional(),
  storagePrefix: z.string().optional(),
  /** Each lease's last renewal (ISO time), keyed by lease. */
  leaseRenewedAt: z.record(z.string(), z.string()),
});
export type NodeSessionState = z.infer<typeof NodeSessionStateSchema>;

// ── The fleet (issue 12): nodes register with the worker, heartbeat, and pull jobs. ──────────────
// Node → worker, under /api/nodes/*: registration with NODE_REGISTRATION_SECRET, then the node's
// own credential as `Authorization: Bearer <credential>`.

/** What a node says about itself; `lost` is never said, the worker reads it from silence. */
export const NODE_REPORTED_STATUSES = ["healthy", "draining"] as const;
export const FLEET_NODE_STATUSES = [...NODE_REPORTED_STATUSES, "lost"] as const;
export type FleetNodeStatus = (typeof FLEET_NODE_STATUSES)[number];

const Count = z.number().int().min(0).max(10_000);
const VideoIds = z.array(Id).max(1000);

/** Free slots on one device (`software`, `nvenc`, …). */
export const DeviceSlotsSchema = z.object({ device: z.string().min(1).max(40), jobs: Count, sessions: Count }).strict();

/** The heartbeat body, also sent with registration: what the node can do now. */
export const NodeReportSchema = z
  .object({
    status: z.enum(NODE_REPORTED_STATUSES),
    /** Encoders that passed a real test encode (`libx264` always; `h264_nvenc`, … when they work). */
    encoders: z.array(z.string().min(1).max(40)).max(16),
    /** Whether one of them is a hardware encoder: transcodes go to such a node first. */
    hardware: z.boolean(),
    slots: z.array(DeviceSlotsSchema).max(16),
    /** Video ids of the fleet jobs running on the node, and of the videos its open sessions serve (as the worker named them in SessionStart.videoId). */
    runningJobs: VideoIds,
    runningSessions: VideoIds,
    /** One-minute load average over the CPU count. */
    load: z.number().min(0).max(10_000),
  })
  .strict();
export type NodeReport = z.infer<typeof NodeReportSchema>;

export const NodeRegisterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be 1-100 letters, digits, dots, dashes or underscores"),
    /** PUBLIC_URL: where the worker reaches the node for sessions; absent behind NAT (jobs only). */
    url: z.url({ protocol: /^https?$/ }).max(500).optional(),
    report: NodeReportSchema,
  })
  .strict();
export type NodeRegister = z.infer<typeof NodeRegisterSchema>;

/** The answer to registration: the node's own credential (shown once) and the fleet's timings. */
export const NodeRegisteredSchema = z.object({
  nodeId: z.string(),
  credential: z.string(),
  heartbeatSeconds: z.number(),
  leaseSeconds: z.number(),
});
export type NodeRegistered = z.infer<typeof NodeRegisteredSchema>;

/** A claimed job (POST /api/nodes/claim → 200; 204 when there is none for this node). */
export const JobClaimSchema = z.object({
  jobId: z.string(),
  /** Fences everything the node says about this job: a stale lease is answered 409. */
  leaseId: z.string(),
  leaseExpiresAt: z.string(),
  videoId: z.string(),
  source: z.object({ storageKey: z.string() }),
  /** Known once a node has probed the source; null before. */
  needsTranscode: z.boolean().nullable(),
  /** Another healthy node with a hardware encoder has a free job slot: a software node that finds a transcode hands it back. */
  preferHardware: z.boolean(),
  attempts: z.number(),
});
export type JobClaim = z.infer<typeof JobClaimSchema>;

const LeaseId = z.string().min(1).max(100);

export const JobProgressReportSchema = z
  .object({ leaseId: LeaseId, progress: z.number().min(0).max(1), needsTranscode: z.boolean().optional() })
  .strict();
export const LeaseRenewedSchema = z.object({ leaseExpiresAt: z.string() });

export const JobOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ leaseId: LeaseId, status: z.literal("succeeded"), result: JobResultSchema }).strict(),
  z.object({ leaseId: LeaseId, status: z.literal("failed"), error: z.string().min(1).max(2000) }).strict(),
]);
export type JobOutcome = z.infer<typeof JobOutcomeSchema>;

/** Hands a job back to the queue without counting an attempt (stopping node, or a transcode for a hardware node). */
export const JobReleaseSchema = z.object({ leaseId: LeaseId, needsTranscode: z.boolean().optional() }).strict();

/** One node in GET /api/admin/nodes. */
export const FleetNodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(FLEET_NODE_STATUSES),
  url: z.string().nullable(),
  lastHeartbeatAt: z.string(),
  encoders: z.array(z.string()),
  hardware: z.boolean(),
  slots: z.array(DeviceSlotsSchema),
  freeJobSlots: z.number(),
  freeSessionSlots: z.number(),
  /** Video ids the node is packaging (from the job leases), and its open sessions' ids (from its heartbeat). */
  packaging: z.array(z.string()),
  sessions: z.array(z.string()),
  load: z.number(),
});
export type FleetNode = z.infer<typeof FleetNodeSchema>;
