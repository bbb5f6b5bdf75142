// The node's configuration, parsed once from the environment with zod. A bad value stops start-up
// with a message that names the key and what it expects.
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { S3EnvShape, s3OptionsFromEnv } from "@edgestream/contracts/storage/s3-env";
import { HW_BACKENDS } from "../hw-backends.ts";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const NodeConfigSchema = z.object({
  NODE_SECRET: z
    .string({ error: "is required: the bearer secret the worker sends (32+ characters, e.g. $(openssl rand -hex 32))" })
    .min(32, "must be at least 32 characters (the worker sends it as a bearer token)"),
  PORT: int(0, 65535).default(8788),
  HOST: z.string().min(1).default("127.0.0.1"),
  STORAGE_DIR: z.string().min(1).default(".edgestream/storage"),
  /** Publish to an S3-compatible bucket instead of STORAGE_DIR (all four S3_* keys together). */
  ...S3EnvShape,
  WORK_DIR: z.string().min(1).default(join(tmpdir(), "edgestream-node")),
  /** Only regular files below this folder may be named by `source.path`; unset: the node's STORAGE_DIR and WORK_DIR only. */
  SOURCE_DIR: z.string().min(1).optional(),
  HWACCEL: z.enum(["auto", ...HW_BACKENDS, "software"]).default("auto"),
  VAAPI_DEVICE: z.string().min(1).default("/dev/dri/renderD128"),
  HW_COOLDOWN_SECONDS: int(1, 86_400).default(600),
  NVENC_SESSIONS: int(1, 64).default(3),
  QSV_SESSIONS: int(1, 64).default(4),
  VAAPI_SESSIONS: int(1, 64).default(4),
  VIDEOTOOLBOX_SESSIONS: int(1, 64).default(2),
  JOB_CONCURRENCY: int(1, 64).default(1),
  /** CPU niceness of packaging jobs' ffmpeg (0-19): on-demand sessions, which viewers wait on, run at
   *  the node's own priority and get the cores first; 0 treats both alike. */
  JOB_NICE: int(0, 19).default(10),
  QUEUE_LIMIT: int(1, 100_000).default(100),
  JOB_RETRIES: int(0, 10).default(2),
  RETRY_BASE_MS: int(0, 600_000).default(2000),
  /** How long a finished job stays readable on GET /v1/jobs/:id. */
  JOB_RETENTION_SECONDS: int(0, 30 * 86_400).default(3600),
  SEGMENT_SECONDS: int(1, 30).default(4),
  SEGMENT_TYPE: z.enum(["fmp4", "ts"]).default("fmp4"),
  LADDER: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must list rung heights such as 1080,720,480,360")
    .default("1080,720,480,360")
    .transform((s) => s.split(",").map(Number)),
  THUMBNAIL_INTERVAL_SECONDS: int(1, 600).optional(),
  PROBE_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  /** On-demand sessions: the one inactivity timeout; a session stops when its last lease lapses. */
  SESSION_INACTIVITY_SECONDS: z.coerce.number().min(1).max(86_400).default(120),
  SESSION_MAX: int(1, 1000).default(4),
  /** A browser-safe source (H.264 8-bit 4:2:0) plays from a remux at its own size, at once; false: sessions always encode. */
  SESSION_COPY: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  /** Rendition height of a session (never above the source). */
  SESSION_PROFILE: int(144, 2160).default(720),
  /** How long a segment request waits for a segment the encoder will reach soon. */
  SESSION_WAIT_MS: int(100, 120_000).default(20_000),
  /** Segments the encoder may run ahead of the furthest viewer before it is parked. */
  SESSION_AHEAD_SEGMENTS: int(1, 1000).default(10),
  /** A request more than this many segments ahead of the encoder restarts it there. */
  SESSION_RESTART_SEGMENTS: int(0, 100).default(3),
  SESSION_STOP_GRACE_MS: int(0, 60_000).default(3000),
  /** Encoder runs one session may have at once, for viewers far apart in the same video. */
  SESSION_MAX_RUNS: int(1, 8).default(2),
  /** Join a fleet (issue 12): the worker's URL; with NODE_REGISTRATION_SECRET the node registers and pulls jobs. */
  WORKER_URL: z.url({ protocol: /^https?$/, error: "must be the worker's http(s) URL, e.g. http://127.0.0.1:8787" }).optional(),
  NODE_REGISTRATION_SECRET: z.string().min(32, "must be the worker's NODE_REGISTRATION_SECRET (32+ characters)").optional(),
  /** The node's name in the fleet; registering again under it replaces the old registration. */
  NODE_NAME: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be 1-100 letters, digits, dots, dashes or underscores").default(hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 100) || "node"),
  /** Where the worker reaches this node for sessions; unset: jobs only (behind NAT). */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often an idle node asks the worker for a job. */
  FLEET_CLAIM_INTERVAL_MS: int(50, 600_000).default(2000),
}).refine((c) => !c.WORKER_URL || c.NODE_REGISTRATION_SECRET, { path: ["NODE_REGISTRATION_SECRET"], message: "is required when WORKER_URL is set" });

export type NodeConfigInput = z.input<typeof NodeConfigSchema>;
export type NodeConfig = z.output<typeof NodeConfigSchema>;

export class NodeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeConfigError";
  }
}

export function parseNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const known = Object.fromEntries(Object.keys(NodeConfigSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const parsed = NodeConfigSchema.safeParse(known);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
    throw new NodeConfigError(`invalid transcode node configuration: ${issues.join("; ")}`);
  }
  try {
    s3OptionsFromEnv(parsed.data);
  } catch (error) {
    throw new NodeConfigError(`invalid transcode node configuration: ${(error as Error).message}`);
  }
  return parsed.data;
}
