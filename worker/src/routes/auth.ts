// Demo sign-in: issues a viewer JWT for any name. Exists only when DEMO_MODE is on.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ViewerAuth } from "../auth/viewer-jwt.ts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { errorResponses, jsonContent } from "./openapi-helpers.ts";

const DemoLogin = z.object({ name: z.string().trim().min(1).max(64).regex(/^[\w .-]+$/, "letters, digits, spaces, . and - only").default("demo") });

const login = createRoute({
  method: "post",
  path: "/demo-login",
  summary: "Demo mode only: sign in as any name",
  request: { body: { content: { "application/json": { schema: DemoLogin } }, required: false } },
  responses: {
    200: jsonContent(z.object({ token: z.string(), viewer: z.object({ id: z.string(), name: z.string().optional() }) }), "a viewer JWT"),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

export function authRoutes(deps: AppDeps, auth: ViewerAuth) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(login, async (c) => {
    if (!deps.config.DEMO_MODE) throw new HttpError(404, "not_found", "no such route");
    const body = DemoLogin.parse(await c.req.json().catch(() => ({})));
    const viewer = { id: `demo:${body.name.toLowerCase()}`, name: body.name, roles: [] };
    return c.json({ token: await auth.issue(viewer), viewer: { id: viewer.id, name: viewer.name } }, 200);
  });
  return app;
}
