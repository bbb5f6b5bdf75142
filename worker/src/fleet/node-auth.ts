// Middleware for the node API: the fleet must be on (NODE_REGISTRATION_SECRET), and the bearer is
// either the registration secret (registration only) or a node's own credential.
import { createMiddleware } from "hono/factory";
import { HttpError } from "../errors.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { sameSecret } from "./credentials.ts";
import { nodeByCredential } from "./registry.ts";

function bearerOf(header: string | undefined): string {
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : "";
}

const unauthorized = (what: string) => new HttpError(401, "unauthorized", `send ${what} as Authorization: Bearer …`, { "WWW-Authenticate": "Bearer" });

export function requireFleet(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (_c, next) => {
    if (!deps.config.NODE_REGISTRATION_SECRET) throw new HttpError(404, "no_fleet", "this worker takes no transcode nodes (NODE_REGISTRATION_SECRET is not set)");
    await next();
  });
}

export function requireRegistrationSecret(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!(await sameSecret(bearerOf(c.req.header("Authorization")), deps.config.NODE_REGISTRATION_SECRET ?? ""))) throw unauthorized("the worker's NODE_REGISTRATION_SECRET");
    await next();
  });
}

/** A node's own credential; unknown (never issued, replaced by a re-registration, or removed) is 401: register again. */
export function requireNode(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const credential = bearerOf(c.req.header("Authorization"));
    const node = credential ? await nodeByCredential(deps, credential) : undefined;
    if (!node) throw unauthorized("the node credential from POST /api/nodes/register (register again if it was replaced or removed)");
    c.set("node", node);
    await next();
  });
}
