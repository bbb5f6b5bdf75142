// The node's configuration, parsed once from the environment with zod. A bad value stops start-up
// with a message that names the key and what it expects.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { HW_BACKENDS } from "../hw-backends.ts";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const NodeConfigSchema = z.object({
  NODE_SECRET: z.string().min(32, "must be at least 32 characters (the worker sends it as a bearer token)"),
  PORT: int(0, 65535).default(8788),
  HOST: z.string().min(1).default("127.0.0.1"),
  STORAGE_DIR: z.string().min(1).default(".edgestream/storage"),
  WORK_DIR: z.string().min(1).default(join(tmpdir(), "edgestream-node")),
  /** Only sources below this folder may be named by path (unset: any absolute path). */
  SOURCE_DIR: z.string().min(1).optional(),
  HWACCEL: z.enum(["auto", ...HW_BACKENDS, "software"]).default("auto"),
  VAAPI_DEVICE: z.string().min(1).default("/dev/dri/renderD128"),
  HW_COOLDOWN_SECONDS: int(1, 86_400).default(600),
  NVENC_SESSIONS: int(1, 64).default(3),
  QSV_SESSIONS: int(1, 64).default(4),
  VAAPI_SESSIONS: int(1, 64).default(4),
  VIDEOTOOLBOX_SESSIONS: int(1, 64).default(2),
  JOB_CONCURRENCY: int(1, 64).default(1),
  QUEUE_LIMIT: int(1, 100_000).default(100),
  JOB_RETRIES: int(0, 10).default(2),
  RETRY_BASE_MS: int(0, 600_000).default(2000),
  SEGMENT_SECONDS: int(1, 30).default(4),
  SEGMENT_TYPE: z.enum(["fmp4", "ts"]).default("fmp4"),
  LADDER: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must list rung heights such as 1080,720,480,360")
    .default("1080,720,480,360")
    .transform((s) => s.split(",").map(Number)),
  THUMBNAIL_INTERVAL_SECONDS: int(1, 600).optional(),
  PROBE_TIMEOUT_MS: int(1000, 600_000).default(30_000),
});

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
  return parsed.data;
}
