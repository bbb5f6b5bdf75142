// createApp(deps): the whole worker as one Hono app. Runtime entries (runtime/*.ts) build the deps.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { ZodError } from "zod";
import type { AppDeps, AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";
import { authRoutes } from "./routes/auth.ts";
import { healthRoutes } from "./routes/health.ts";
import { hlsRoutes } from "./routes/hls.ts";
import { videoRoutes } from "./routes/videos.ts";

export function createApp(deps: AppDeps) {
  const origins = deps.config.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean);
  const app = new Hono<AppEnv>();

  // Every answer carries CORS headers, errors included: a CORS-less 410 hides the status from the player.
  app.use(
    "*",
    cors({
      origin: origins.includes("*") ? "*" : origins,
      allowHeaders: ["Authorization", "Content-Type", "Range"],
      exposeHeaders: ["Content-Length", "Content-Range", "Accept-Ranges", "Retry-After"],
      maxAge: 600,
    }),
  );

  app.route("/", healthRoutes(deps));
  app.route("/api/auth", authRoutes(deps));
  app.route("/api/videos", videoRoutes(deps));
  app.route("/", hlsRoutes(deps));

  app.notFound(() => new HttpError(404, "not_found", "no such route").getResponse());
  app.onError((error) => {
    if (error instanceof HttpError) return error.getResponse();
    if (error instanceof ZodError) {
      const first = error.issues[0];
      const field = first?.path.join(".") || "body";
      return new HttpError(400, "invalid_input", `${field}: ${first?.message ?? "invalid"}`).getResponse();
    }
    console.error("unhandled error", error);
    return new HttpError(500, "internal", "something went wrong on our side; try again").getResponse();
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
