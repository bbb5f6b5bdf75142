// Node-only settings (where the embedded database and media live), and demo-mode secrets that are
// generated once and kept in the data directory so a restart does not invalidate issued tokens.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { S3Options } from "@edgestream/contracts/storage/s3";
import { S3EnvShape, s3OptionsFromEnv } from "@edgestream/contracts/storage/s3-env";
import { DEFAULT_SEGMENT_CACHE_BYTES } from "../segment-cache/memory-store.ts";

const NodeSettingsSchema = z.object({
  EDGESTREAM_DATA_DIR: z.string().min(1).default(".edgestream"),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  STORAGE_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default("127.0.0.1"),
  SEGMENT_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(DEFAULT_SEGMENT_CACHE_BYTES),
  ...S3EnvShape,
});

export interface NodeSettings {
  dataDir: string;
  databaseUrl: string;
  databaseAuthToken?: string;
  storageDir: string;
  port: number;
  host: string;
  /** Memory for segments read from S3, shared by all viewers (0: no cache). */
  segmentCacheBytes: number;
  /** Set when S3_ENDPOINT is: media lives in that bucket instead of storageDir. */
  s3?: S3Options;
}

export function parseNodeSettings(env: Record<string, string | undefined>): NodeSettings {
  const parsed = NodeSettingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid configuration: ${issue.path.join(".")} ${issue.message}`);
  }
  const s = parsed.data;
  const dataDir = resolve(s.EDGESTREAM_DATA_DIR);
  const settings: NodeSettings = {
    dataDir,
    databaseUrl: s.DATABASE_URL ?? `file:${join(dataDir, "edgestream.db")}`,
    storageDir: resolve(s.STORAGE_DIR ?? join(dataDir, "storage")),
    port: s.PORT,
    host: s.HOST,
    segmentCacheBytes: s.SEGMENT_CACHE_MAX_BYTES,
  };
  if (s.DATABASE_AUTH_TOKEN) settings.databaseAuthToken = s.DATABASE_AUTH_TOKEN;
  try {
    const s3 = s3OptionsFromEnv(s);
    if (s3) settings.s3 = s3;
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`);
  }
  return settings;
}

/** In demo mode, fills SIGNING_KEYS and JWT_SECRET from `<dataDir>/demo-secrets.json`, creating it once. */
export function withDemoSecrets(env: Record<string, string | undefined>, dataDir: string): Record<string, string | undefined> {
  if (!/^(1|true|yes|on)$/.test(env["DEMO_MODE"] ?? "") || (env["SIGNING_KEYS"] && env["JWT_SECRET"])) return env;
  const file = join(dataDir, "demo-secrets.json");
  let secrets: { SIGNING_KEYS: string; JWT_SECRET: string };
  try {
    secrets = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    secrets = {
      SIGNING_KEYS: `demo1:${randomBytes(32).toString("hex")}`,
      JWT_SECRET: randomBytes(32).toString("hex"),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return { ...secrets, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)) };
}
