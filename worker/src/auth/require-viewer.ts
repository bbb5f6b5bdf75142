// Middleware: the viewer from `Authorization: Bearer …` or, for native players and sendBeacon
// (which cannot send headers), a `token` query parameter.
import { createMiddleware } from "hono/factory";
import { HttpError } from "../errors.ts";
import type { AppEnv } from "../env.ts";
import type { ViewerAuth } from "./viewer-jwt.ts";

export function requireViewer(auth: ViewerAuth) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Authorization");
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : c.req.query("token");
    if (!token) {
      throw new HttpError(401, "missing_token", "sign in first: send Authorization: Bearer <token>", { "WWW-Authenticate": "Bearer" });
    }
    c.set("viewer", await auth.verify(token));
    await next();
  });
}
