// Cloudflare Workers entry: D1 for data, R2 for media, secrets and vars from the environment.
// Migrations are applied by `wrangler d1 migrations apply` (migrations_dir in wrangler.toml).
import { drizzle } from "drizzle-orm/d1";
import { createApp } from "../app.ts";
import { createBackground, type Background } from "../background.ts";
import { parseConfig } from "../config.ts";
import { misconfiguredResponse } from "../routes/health.ts";
import type { Database } from "../db/database.ts";
import * as schema from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { runPeriodicWork } from "../periodic/periodic-work.ts";
import { createKeyring, parseSigningKeys } from "../signing/keyring.ts";
import { createR2Storage, type R2BucketLike } from "@edgestream/contracts/storage/r2";
import { createCacheApiStore, type CacheLike } from "../segment-cache/cache-api-store.ts";
import { withSegmentCache } from "../segment-cache/caching-storage.ts";
import { createR2TusUploads, type R2MultipartBucket } from "../uploads/tus-r2.ts";

export interface CloudflareEnv {
  DB: Parameters<typeof drizzle>[0];
  MEDIA: R2BucketLike & R2MultipartBucket;
  [key: string]: unknown;
}

interface Built {
  app: ReturnType<typeof createApp>;
  deps: AppDeps & { background: Background };
}

/** The parts of ExecutionContext this entry uses. */
interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

// One app per isolate and env: key import and route building happen once, not per request.
// `origin` (the first request's) keys the segment cache, whose entries stay in this data centre;
// a build made by the Cron Trigger has no request, so no origin and no segment cache, and the
// next request builds again with one.
let cached: { env: CloudflareEnv; origin: string | undefined; built: Promise<Built> } | undefined;

async function build(env: CloudflareEnv, origin: string | undefined): Promise<Built> {
  const strings = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const config = parseConfig(strings);
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const r2 = createR2Storage(env.MEDIA);
  const deps: Built["deps"] = {
    config,
    keyring: await createKeyring(secrets, currentKid),
    db: drizzle(env.DB, { schema }) as unknown as Database,
    storage: origin === undefined
      ? r2
      : withSegmentCache(r2, createCacheApiStore((globalThis as unknown as { caches: { default: CacheLike } }).caches.default, origin)),
    background: createBackground(),
    // tus over R2 multipart: @tus/server needs Node streams.
    resumableUploads: (appDeps) => createR2TusUploads(appDeps, env.MEDIA),
  };
  return { app: createApp(deps), deps };
}

function built(env: CloudflareEnv, origin: string | undefined): Promise<Built> {
  const reusable = cached?.env === env && (origin === undefined || cached.origin !== undefined);
  if (!reusable) cached = { env, origin, built: build(env, origin) };
  return cached!.built.catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
}

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: Partial<WaitUntil> = {}): Promise<Response> {
    let parts: Built;
    try {
      parts = await built(env, new URL(request.url).origin);
    } catch (error) {
      // A configuration error: a 503 that says which key is wrong, on /healthz too.
      return misconfiguredResponse(request, (error as Error).message);
    }
    const response = await parts.app.fetch(request, env, ctx as never);
    // First webhook attempts the request started run on after the answer.
    ctx.waitUntil?.(parts.deps.background.settled());
    return response;
  },

  /** The Cron Trigger (wrangler.toml [triggers]): the same periodic work Node and Deno run on a timer. */
  async scheduled(_controller: unknown, env: CloudflareEnv, ctx: WaitUntil): Promise<void> {
    const { deps } = await built(env, undefined);
    ctx.waitUntil(runPeriodicWork(deps).then((report) => {
      if (report.failed.length > 0) throw new Error(`periodic work failed: ${report.failed.join("; ")}`);
    }));
  },
};
