// Liveness and readiness: answers 200 only when the database answers.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../env.ts";

export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get("/healthz", async (c) => {
    try {
      await deps.db.run(sql`select 1`);
    } catch (error) {
      return c.json({ status: "unhealthy", database: String(error) }, 503);
    }
    return c.json({ status: "ok", storage: deps.storage.name, demoMode: deps.config.DEMO_MODE });
  });
}
