// Cloudflare Workers entry: D1 for data, R2 for media, secrets and vars from the environment.
// Migrations are applied by `wrangler d1 migrations apply` (migrations_dir in wrangler.toml).
import { drizzle } from "drizzle-orm/d1";
import { createApp } from "../app.ts";
import { createBackground, type Background } from "../background.ts";
import { parseConfig } from "../config.ts";
import type { Database } from "../db/database.ts";
import * as schema from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { runPeriodicWork } from "../periodic/periodic-work.ts";
import { createKeyring, parseSigningKeys } from "../signing/keyring.ts";
import { createR2Storage, type R2BucketLike } from "@edgestream/contracts/storage/r2";

export interface CloudflareEnv {
  DB: Parameters<typeof drizzle>[0];
  MEDIA: R2BucketLike;
  [variable: string]: unknown;
}

// One app per isolate and env: key import and route building happen once, not per request.
let cached: { env: CloudflareEnv; built: Promise<Built> } | undefined;

interface Built {
  app: ReturnType<typeof createApp>;
  deps: AppDeps & { background: Background };
}

/** The parts of ExecutionContext this entry uses. */
interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

async function build(env: CloudflareEnv): Promise<Built> {
  const strings = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const config = parseConfig(strings);
  const { secrets, currentKid } = parseSigningKeys(config.SIGNING_KEYS);
  const deps = {
    config,
    keyring: await createKeyring(secrets, currentKid),
    db: drizzle(env.DB, { schema }) as unknown as Database,
    storage: createR2Storage(env.MEDIA),
    background: createBackground(),
  };
  return { app: createApp(deps), deps };
}

function built(env: CloudflareEnv): Promise<Built> {
  if (cached?.env !== env) cached = { env, built: build(env) };
  return cached.built.catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
}

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: WaitUntil): Promise<Response> {
    let parts: Built;
    try {
      parts = await built(env);
    } catch (error) {
      // A configuration error: say which key is wrong instead of a bare 500.
      return new Response(JSON.stringify({ error: { code: "misconfigured", message: (error as Error).message } }), {
        status: 500,
        headers: { "Content-Type": "application/json" },
      });
    }
    const response = await parts.app.fetch(request, env, ctx as never);
    // First webhook attempts the request started run on after the answer.
    ctx.waitUntil(parts.deps.background.settled());
    return response;
  },

  /** The Cron Trigger (wrangler.toml [triggers]): the same periodic work Node and Deno run on a timer. */
  async scheduled(_controller: unknown, env: CloudflareEnv, ctx: WaitUntil): Promise<void> {
    const { deps } = await built(env);
    ctx.waitUntil(runPeriodicWork(deps).then((report) => {
      if (report.failed.length > 0) throw new Error(`periodic work failed: ${report.failed.join("; ")}`);
    }));
  },
};
