// The operator's view of the fleet: GET /api/admin/nodes lists every node; DELETE removes a lost one
// (its job leases go back to the queue at once). A node that still heartbeats is refused (409): it
// would only register again, so it is stopped first (SIGTERM hands its jobs back itself).
// Admin JWT (`roles:["admin"]`) or demo mode.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { FleetNodeSchema } from "@edgestream/contracts";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonContent } from "../routes/openapi-helpers.ts";
import { nowMs } from "../clock.ts";
import { transcodeNodes } from "../db/schema.ts";
import { releaseNodeJobs } from "./job-leases.ts";
import { nodeStatus } from "./node-status.ts";
import { listNodes, removeNode } from "./registry.ts";

export function requireAdmin(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get("viewer").roles.includes("admin") && !deps.config.DEMO_MODE) throw new HttpError(403, "forbidden", "only admins may see or change the transcode fleet");
    await next();
  });
}

const list = createRoute({
  method: "get",
  path: "/nodes",
  summary: "Every transcode node: status (healthy, draining, lost), last heartbeat, encoders, free slots, what it packages and serves",
  security: bearer,
  responses: { 200: jsonContent(z.object({ nodes: z.array(FleetNodeSchema) }), "the fleet"), ...errorResponses },
});

const remove = createRoute({
  method: "delete",
  path: "/nodes/{id}",
  summary: "Forget a lost node; its job leases go back to the queue. 409 node_alive for a node that still heartbeats (stop it first)",
  security: bearer,
  request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a node id").openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 204: { description: "removed" }, ...errorResponses },
});

export function adminFleetRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => c.json({ nodes: await listNodes(deps) }, 200))
    .openapi(remove, async (c) => {
      const { id } = c.req.valid("param");
      const node = await deps.db.query.transcodeNodes.findFirst({ where: eq(transcodeNodes.id, id) });
      if (!node) throw new HttpError(404, "not_found", "no such node");
      const status = nodeStatus(deps.config, node, nowMs(deps));
      if (status !== "lost") {
        throw new HttpError(409, "node_alive", `node ${node.name} is ${status} and still heartbeats: stop it (SIGTERM) first; only a lost node can be removed`);
      }
      await releaseNodeJobs(deps, id);
      if (!(await removeNode(deps, id))) throw new HttpError(404, "not_found", "no such node");
      return c.body(null, 204);
    });
}
