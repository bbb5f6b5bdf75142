// Headers for every answer of the worker, and for what a viewer's JWT unlocked.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

/** The API is called by script; a page's URL (which may name a private video) goes nowhere else. */
export const REFERRER_POLICY = "no-referrer";
/** Authenticated answers are one viewer's: no shared cache keeps them, no browser cache either. */
export const PRIVATE_NO_STORE = "private, no-store";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": REFERRER_POLICY,
};

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
});

/** After a route that needed a viewer: private, no-store unless the route chose otherwise. */
export const privateAnswers = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", PRIVATE_NO_STORE);
});
