// The worker's configuration, parsed once from environment-style strings with zod.
// `z.input` is what an operator writes; `AppConfig` (the output) is what the code reads.
import { z } from "zod";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

export const ConfigSchema = z.object({
  SIGNING_KEYS: z
    .string({ error: "is required: kid:secret pairs, comma-separated; the first signs (e.g. k1:$(openssl rand -hex 32))" })
    .min(1, "must not be empty"),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: z.url({ error: "must be the https URL of your identity provider's JWKS" }).optional(),
  JWT_ALGORITHMS: z
    .string()
    .regex(/^(HS256|RS256|ES256|EdDSA|PS256)(,(HS256|RS256|ES256|EdDSA|PS256))*$/, "must list algorithms like RS256,ES256")
    .optional(),
  JWT_ISSUER: z.string().min(1).default("edgestream"),
  JWT_AUDIENCE: z.string().min(1).default("edgestream"),
  DEMO_MODE: flag.default(false),
  /** Short, so deleting a video or making it private stops playback soon: the SDK refreshes ahead of expiry. */
  STREAM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(7 * 86400).default(300),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  CORS_ORIGINS: z.string().default("*"),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(10 * 1024 ** 3),
  /** A resumable (tus) upload not finished this long after it was created is removed with its parts. */
  UPLOAD_EXPIRY_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).default(86400),
  /** Where uploads get packaged: a transcode node sharing this worker's storage. */
  TRANSCODE_NODE_URL: z.url({ error: "must be the transcode node's URL, e.g. http://127.0.0.1:8788" }).optional(),
  TRANSCODE_NODE_SECRET: z.string().min(32, "must be the node's NODE_SECRET (32+ characters)").optional(),
  /** A generating video whose node has not answered about its job for this long fails (the node died and stayed down). */
  TRANSCODE_NODE_DOWN_SECONDS: z.coerce.number().int().min(1).max(7 * 86400).default(600),
  /** Jobs submitted for one video before it fails: a node that restarts loses its jobs, and each loss costs one. */
  TRANSCODE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Set to run a fleet (issue 12): nodes register with it, and packaging jobs become rows nodes pull. */
  NODE_REGISTRATION_SECRET: z.string().min(32, "must be at least 32 characters (nodes send it to register)").optional(),
  /** How often nodes heartbeat (told to them at registration); three missed intervals make a node `lost`. */
  NODE_HEARTBEAT_SECONDS: z.coerce.number().min(0.2).max(3600).default(5),
  /** A claimed job's lease; progress reports renew it; a lapsed lease puts the job back in the queue. */
  JOB_LEASE_SECONDS: z.coerce.number().min(0.5).max(86_400).default(30),
  /** on-upload: package as soon as a source arrives; on-first-view: only when someone asks to play it. */
  PACKAGE_POLICY: z.enum(["on-upload", "on-first-view"]).default("on-upload"),
  /** Play a video that is not packaged yet through an on-demand session on the node. */
  ON_DEMAND_SESSIONS: flag.default(true),
  /** nginx mode: segments get per-URI secure_link signatures and are served by nginx from NGINX_MEDIA_URL. */
  NGINX_SECURE_LINK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NGINX_MEDIA_URL: z.string().default("/media"),
  /** nginx links are baked into a playlist a VOD player never reloads: they live this long at least. */
  NGINX_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86400).default(6 * 3600),
  /** Absolute origins (comma-separated) under which this worker is reached, for signing absolute URIs. */
  PUBLIC_ORIGINS: z.string().default(""),
  /** Raw playback events older than this many days are rolled up (per session and day) and deleted. */
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Signed webhooks (video.ready, video.failed, video.deleted, upload.completed) go to this URL. */
  WEBHOOK_URL: z.url({ error: "must be the https URL that receives webhooks" }).optional(),
  /** HMAC-SHA256 key of the EdgeStream-Signature header; the receiver verifies with the same. */
  WEBHOOK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Attempts per delivery (the first included) before it is given up. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  /** Wait before the first retry; it doubles after each failure, up to 6 hours. */
  WEBHOOK_RETRY_SECONDS: z.coerce.number().int().min(1).max(86400).default(30),
  /** Node and Deno: how often the periodic work runs (Workers: the Cron Trigger in wrangler.toml). */
  PERIODIC_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
})
  .refine((c) => c.JWT_SECRET || c.JWT_JWKS_URL, {
    path: ["JWT_SECRET"],
    message: "is required (or JWT_JWKS_URL): the HS256 secret viewer tokens are signed with (32+ characters)",
  })
  .refine((c) => !c.WEBHOOK_URL || c.WEBHOOK_SECRET, {
    path: ["WEBHOOK_SECRET"],
    message: "is required when WEBHOOK_URL is set: deliveries are always signed",
  })
  .refine((c) => !c.TRANSCODE_NODE_URL || c.TRANSCODE_NODE_SECRET, {
    path: ["TRANSCODE_NODE_SECRET"],
    message: "is required when TRANSCODE_NODE_URL is set",
  });

export type ConfigInput = z.input<typeof ConfigSchema>;
export type AppConfig = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Picks the known keys out of an environment and validates them; a failure names each bad key. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .filter((key) => env[key] !== undefined)
      .map((key) => [key, env[key]]),
  );
  const result = ConfigSchema.safeParse(known);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  return result.data;
}
