// Cloudflare Workers entry: D1 for data, R2 for media, secrets and vars from the environment.
// Migrations are applied by `wrangler d1 migrations apply` (migrations_dir in wrangler.toml).
import { drizzle } from "drizzle-orm/d1";
import { createApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import type { Database } from "../db/database.ts";
import * as schema from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { createKeyring, parseSigningKeys } from "../signing/keyring.ts";
import { createR2Storage, type R2BucketLike } from "@edgestream/contracts/storage/r2";
import { createR2TusUploads, type R2MultipartBucket } from "../uploads/tus-r2.ts";

export interface CloudflareEnv {
  DB: Parameters<typeof drizzle>[0];
  MEDIA: R2BucketLike & R2MultipartBucket;
  [variable: string]: unknown;
}

// One app per isolate and env: key import and route building happen once, not per request.
let cached: { env: CloudflareEnv; app: Promise<ReturnType<typeof createApp>> } | undefined;

async function buildApp(env: CloudflareEnv) {
  const strings = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const config = parseConfig(strings);
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const deps: AppDeps = {
    config,
    keyring: await createKeyring(secrets, currentKid),
    db: drizzle(env.DB, { schema }) as unknown as Database,
    storage: createR2Storage(env.MEDIA),
    // tus over R2 multipart: @tus/server needs Node streams.
    resumableUploads: (appDeps) => createR2TusUploads(appDeps, env.MEDIA),
  };
  return createApp(deps);
}

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: unknown): Promise<Response> {
    if (cached?.env !== env) cached = { env, app: buildApp(env) };
    try {
      const app = await cached.app;
      return app.fetch(request, env, ctx as never);
    } catch (error) {
      cached = undefined;
      // A configuration error: say which key is wrong instead of a bare 500.
      return new Response(JSON.stringify({ error: { code: "misconfigured", message: (error as Error).message } }), {
        status: 500,
        headers: { "Content-Type": "application/json" },
      });
    }
  },
};
