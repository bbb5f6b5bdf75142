// Liveness and readiness: 200 only when the database answers and holds the whole schema; 503 with
// a reason (`database_unavailable`, `schema_not_migrated`) otherwise. The Cloudflare entry answers
// the same 503 shape (`misconfigured`) when its variables do not parse.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { findMissingSchema, MIGRATE_HINT } from "../db/schema-check.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { HttpError } from "../errors.ts";
import { jsonContent } from "./openapi-helpers.ts";

export const UnhealthySchema = z.object({
  status: z.literal("unhealthy"),
  reason: z.enum(["database_unavailable", "schema_not_migrated", "misconfigured"]),
  message: z.string(),
});
export type Unhealthy = z.infer<typeof UnhealthySchema>;

const NO_STORE = { "Cache-Control": "no-store" };
const unhealthy = (reason: Unhealthy["reason"], message: string): Unhealthy => ({ status: "unhealthy", reason, message });

/** The 503 every runtime gives /healthz when it cannot serve; not cached. */
export function unhealthyResponse(reason: Unhealthy["reason"], message: string): Response {
  return Response.json(unhealthy(reason, message), { status: 503, headers: NO_STORE });
}

/**
 * A deployment whose variables do not parse (Cloudflare: no .dev.vars, a secret not put): /healthz
 * says so in its shape, every other route in the error envelope; 503, since the code is not at fault.
 */
export function misconfiguredResponse(request: Request, problem: string): Response {
  const message = `${problem} (wrangler dev: put them in .dev.vars, see .dev.vars.example; deployed: npx wrangler secret put)`;
  if (new URL(request.url).pathname === "/healthz") return unhealthyResponse("misconfigured", message);
  return new HttpError(503, "misconfigured", message, NO_STORE).getResponse();
}

const health = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Health: 200 when the database answers and is migrated",
  responses: {
    200: jsonContent(z.object({ status: z.literal("ok"), storage: z.string(), demoMode: z.boolean() }), "healthy"),
    503: jsonContent(UnhealthySchema, "the database does not answer or is not migrated, or (Cloudflare) the configuration does not parse"),
  },
});

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(health, async (c) => {
    let missing: string | undefined;
    try {
      await deps.db.run(sql`select 1`);
      missing = await findMissingSchema(deps.db);
    } catch (error) {
      // The driver's words can name a file or host: they go to the log only.
      console.error(`healthz: the database does not answer: ${(error as Error).message}`);
      return c.json(unhealthy("database_unavailable", "the database does not answer"), 503, NO_STORE);
    }
    if (missing) return c.json(unhealthy("schema_not_migrated", `the database schema is not migrated (${missing}): ${MIGRATE_HINT}`), 503, NO_STORE);
    return c.json({ status: "ok" as const, storage: deps.storage.name, demoMode: deps.config.DEMO_MODE }, 200);
  });
}
