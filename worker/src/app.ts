// createApp(deps): the whole worker as one Hono app. Runtime entries (runtime/*.ts) build the deps.
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { requireViewer } from "./auth/require-viewer.ts";
import { createViewerAuth } from "./auth/viewer-jwt.ts";
import { createTranscodeClient } from "./transcode/node-client.ts";
import type { AppDeps, AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";
import { MIGRATE_HINT, missingSchemaObject } from "./db/schema-check.ts";
import { StorageUnavailableError } from "@edgestream/contracts";
import { limitRequestBody } from "./http/body-limit.ts";
import { privateAnswers, securityHeaders } from "./http/security-headers.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { adminFleetRoutes, requireAdmin } from "./fleet/admin-routes.ts";
import { requireFleet, requireNode, requireRegistrationSecret } from "./fleet/node-auth.ts";
import { nodeRegistrationRoutes, nodeRoutes } from "./fleet/node-routes.ts";
import { createFleetTranscoder } from "./fleet/session-routing.ts";
import { authRoutes } from "./routes/auth.ts";
import { downloadRoutes } from "./routes/download.ts";
import { eventRoutes } from "./routes/events.ts";
import { healthRoutes } from "./routes/health.ts";
import { HLS_PATH_DOC, hlsRoutes } from "./routes/hls.ts";
import { progressRoutes } from "./routes/progress.ts";
import { streamRoutes } from "./routes/stream.ts";
import { subtitleRoutes } from "./routes/subtitles.ts";
import { TUS_CREATE_DOC, uploadRoutes } from "./routes/uploads.ts";
import { TUS_HEADERS, TUS_RESPONSE_HEADERS } from "./uploads/tus-path.ts";
import { videoRoutes } from "./routes/videos.ts";

export function createApp(appDeps: AppDeps) {
  const { config } = appDeps;
  const deps: AppDeps = appDeps.transcoder ? appDeps : { ...appDeps, ...transcoderFor(appDeps) };
  const origins = deps.config.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean);
  const auth = createViewerAuth(deps.config);
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures become a 400 that names the field, never a 500.
    defaultHook: (result) => {
      if (!result.success) throw invalidInput(result.error);
    },
  });

  app.use("*", securityHeaders);
  // Every answer carries CORS headers, errors included: a CORS-less 410 hides the status from the player.
  const corsHeaders = cors({
    origin: origins.includes("*") ? "*" : origins,
    allowHeaders: ["Authorization", "Content-Type", "Range", ...TUS_HEADERS],
    exposeHeaders: ["Content-Length", "Content-Range", "Accept-Ranges", "Retry-After", ...TUS_RESPONSE_HEADERS],
    maxAge: 600,
  });
  app.use("*", async (c, next) => {
    if (c.req.method === "OPTIONS") return corsHeaders(c, next);
    // Onto the answer once it exists. Run before the route, hono's cors creates `c.res` early, and
    // Hono then rebuilds the route's Response to merge its headers in: on Node every playlist body
    // went through a stream copy, most of a path-form playlist's CPU (docs/design-notes.md).
    await next();
    await corsHeaders(c, async () => {});
  });

  // Before auth, routing and validators: no body is read past its cap by anything.
  app.use("*", limitRequestBody);

  app.route("/", healthRoutes(deps));
  // A JWT, or what one unlocked: never kept by a cache.
  app.use("/api/auth/*", privateAnswers);
  app.route("/api/auth", authRoutes(deps, auth));
  for (const path of ["/api/videos", "/api/videos/*", "/api/events", "/api/sessions/*", "/api/analytics", "/api/uploads/*"]) app.use(path, privateAnswers, requireViewer(auth));
  app.route("/api/videos", videoRoutes(deps));
  app.route("/api/videos", streamRoutes(deps));
  app.route("/api/videos", downloadRoutes(deps));
  app.route("/api/videos", progressRoutes(deps));
  app.route("/api/videos", subtitleRoutes(deps));
  app.route("/api", eventRoutes(deps));
  app.route("/api", analyticsRoutes(deps));
  app.route("/api/uploads", uploadRoutes(deps));
  app.route("/", hlsRoutes(deps));
  // The fleet (issue 12): nodes with their own credentials; operators with an admin JWT.
  app.use("/api/nodes/*", privateAnswers, requireFleet(deps));
  app.use("/api/nodes/register", requireRegistrationSecret(deps));
  app.route("/api/nodes", nodeRegistrationRoutes(deps));
  app.use("/api/nodes/*", requireNode(deps));
  app.route("/api/nodes", nodeRoutes(deps));
  app.use("/api/admin/*", privateAnswers, requireViewer(auth), requireAdmin(deps));
  app.route("/api/admin", adminFleetRoutes(deps));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.openAPIRegistry.registerPath(HLS_PATH_DOC);
  app.openAPIRegistry.registerPath(TUS_CREATE_DOC);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "EdgeStream worker",
      version: "0.1.0",
      description: "Signed HLS for private video. Playlists and segments live under /hls/{token}/… (path form) or /hls/{videoId}/…?sig= (query form), with the stream token from /stream.",
    },
  });

  app.notFound(() => new HttpError(404, "not_found", "no such route").getResponse());
  app.onError((error) => {
    if (error instanceof HttpError) return error.getResponse();
    if (error instanceof ZodError) return invalidInput(error).getResponse();
    if (error instanceof StorageUnavailableError) {
      // The backend's own words stay in the log: they name keys and hosts.
      console.error(error.message);
      return new HttpError(503, "storage_unavailable", "media storage is not answering; try again shortly", { "Retry-After": "5", "Cache-Control": "no-store" }).getResponse();
    }
    if (error instanceof HTTPException) {
      // Hono's own (e.g. a validator's 415 for a body sent without Content-Type): same JSON shape as ours.
      const code = error.status === 415 ? "unsupported_media_type" : "bad_request";
      const message = error.status === 415 ? "this route does not take a body of that Content-Type (see /openapi.json)" : error.message;
      return new HttpError(error.status, code, message).getResponse();
    }
    const missing = missingSchemaObject(error);
    if (missing) {
      return new HttpError(503, "schema_not_migrated", `the database schema is not migrated (${missing}): ${MIGRATE_HINT}`, { "Cache-Control": "no-store" }).getResponse();
    }
    console.error("unhandled error", error);
    return new HttpError(500, "internal", "something went wrong on our side; try again").getResponse();
  });
  return app;
}

/** One node (TRANSCODE_NODE_URL), or the fleet's routed sessions (NODE_REGISTRATION_SECRET + TRANSCODE_NODE_SECRET), or none. */
function transcoderFor(deps: AppDeps): Pick<AppDeps, "transcoder"> {
  const { config } = deps;
  if (config.TRANSCODE_NODE_URL) return { transcoder: createTranscodeClient(config.TRANSCODE_NODE_URL, config.TRANSCODE_NODE_SECRET!) };
  if (config.NODE_REGISTRATION_SECRET && config.TRANSCODE_NODE_SECRET) return { transcoder: createFleetTranscoder(deps, config.TRANSCODE_NODE_SECRET) };
  return {};
}

function invalidInput(error: ZodError): HttpError {
  const first = error.issues[0];
  const field = first?.path.join(".") || "body";
  return new HttpError(400, "invalid_input", `${field}: ${first?.message ?? "invalid"}`);
}

export type App = ReturnType<typeof createApp>;
