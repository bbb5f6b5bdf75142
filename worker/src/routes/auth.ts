// Demo sign-in: issues a viewer JWT for any name. Exists only when DEMO_MODE is on.
import { Hono } from "hono";
import { z } from "zod";
import { issueViewerToken } from "../auth/viewer-jwt.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";

const DemoLogin = z.object({ name: z.string().trim().min(1).max(64).regex(/^[\w .-]+$/).default("demo") });

export function authRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post("/demo-login", async (c) => {
    if (!deps.config.DEMO_MODE) throw new HttpError(404, "not_found", "no such route");
    const body = DemoLogin.parse(await c.req.json().catch(() => ({})));
    const viewer = { id: `demo:${body.name.toLowerCase()}`, name: body.name };
    return c.json({ token: await issueViewerToken(deps.config, viewer), viewer });
  });
}
