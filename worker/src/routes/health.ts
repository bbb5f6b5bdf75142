// Liveness and readiness: answers 200 only when the database answers.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppDeps, AppEnv } from "../env.ts";
import { jsonContent } from "./openapi-helpers.ts";

const health = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Health: 200 when the database answers",
  responses: {
    200: jsonContent(z.object({ status: z.literal("ok"), storage: z.string(), demoMode: z.boolean() }), "healthy"),
    503: jsonContent(z.object({ status: z.literal("unhealthy"), database: z.string() }), "the database does not answer"),
  },
});

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(health, async (c) => {
    try {
      await deps.db.run(sql`select 1`);
    } catch (error) {
      return c.json({ status: "unhealthy" as const, database: String(error) }, 503);
    }
    return c.json({ status: "ok" as const, storage: deps.storage.name, demoMode: deps.config.DEMO_MODE }, 200);
  });
}
