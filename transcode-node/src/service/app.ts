// The jobs service as a Hono app: POST/GET/DELETE /v1/jobs, an SSE event stream per job, /healthz
// with the detected encoders, /metrics. /v1 needs `Authorization: Bearer <NODE_SECRET>`.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { JobRequestSchema, type ErrorEnvelope, type JobRequest, type JobResult, type JobState, type StorageDriver } from "@edgestream/contracts";
import { MediaInputError, redactPaths } from "../errors.ts";
import type { HardwareRegistry } from "../hw-registry.ts";
import { packageToStorage } from "../publish.ts";
import { downloadSource } from "../source-download.ts";
import type { NodeConfig } from "./config.ts";
import { JobQueue, QueueFullError, TERMINAL, type Job, type JobEvent } from "./job-queue.ts";
import type { NodeMetrics } from "./metrics.ts";
import { streamEvents } from "./event-stream.ts";
import { errorBody } from "./http-error.ts";
import { checkSourcePath, sourceRoots } from "./source-path.ts";
import { SessionVideos } from "../fleet/session-videos.ts";
import { SessionRegistry } from "../sessions/session-registry.ts";
import { sessionRoutes } from "./session-routes.ts";
import { ViewerFirst } from "./viewer-first.ts";

export interface NodeAppDeps {
  config: NodeConfig;
  storage: StorageDriver;
  hardware: HardwareRegistry;
  metrics: NodeMetrics;
}

export function createNodeApp(deps: NodeAppDeps) {
  const { config, storage, hardware, metrics } = deps;
  const viewerFirst = new ViewerFirst();
  const queue: JobQueue<JobRequest> = new JobQueue<JobRequest>({
    concurrency: config.JOB_CONCURRENCY,
    limit: config.QUEUE_LIMIT,
    retries: config.JOB_RETRIES,
    retryBaseMs: config.RETRY_BASE_MS,
    retainMs: config.JOB_RETENTION_SECONDS * 1000,
    run: (request, context) => runJob(deps, request, context, viewerFirst),
    onChange: (_job, event) => {
      const depth = queue.depth();
      metrics.queued.set(depth.queued);
      metrics.running.set(depth.running);
      if (event.type === "retry") metrics.retries.inc();
      if (event.type === "completed") {
        metrics.jobs.inc({ status: "succeeded" });
        metrics.jobSeconds.observe(event.result.durationMs / 1000);
        if (event.result.deduplicated) metrics.deduplicated.inc();
        if (event.result.warnings.some((w) => /re-encoded in software|encoding in software/.test(w))) metrics.fallbacks.inc();
      }
      if (event.type === "failed") metrics.jobs.inc({ status: "failed" });
      if (event.type === "cancelled") metrics.jobs.inc({ status: "cancelled" });
    },
  });

  const sessions = new SessionRegistry(
    {
      inactivityMs: config.SESSION_INACTIVITY_SECONDS * 1000,
      maxSessions: config.SESSION_MAX,
      segmentSeconds: config.SEGMENT_SECONDS,
      profileHeight: config.SESSION_PROFILE,
      workRoot: config.WORK_DIR,
      probeTimeoutMs: config.PROBE_TIMEOUT_MS,
      waitMs: config.SESSION_WAIT_MS,
      aheadSegments: config.SESSION_AHEAD_SEGMENTS,
      restartDistance: config.SESSION_RESTART_SEGMENTS,
      stopGraceMs: config.SESSION_STOP_GRACE_MS,
      maxRuns: config.SESSION_MAX_RUNS,
      copy: config.SESSION_COPY,
      onViewerWait: () => viewerFirst.viewerWaits(),
      chooseBackend: async () => (await hardware.choose(config.HWACCEL)).backend,
      encoderCaps: { nvenc: config.NVENC_SESSIONS, qsv: config.QSV_SESSIONS, vaapi: config.VAAPI_SESSIONS, videotoolbox: config.VIDEOTOOLBOX_SESSIONS },
    },
    storage,
  );

  const app = new Hono();
  app.onError((error, c) => {
    const { status, body } = errorBody(error);
    if (status === 500) console.error(error);
    return c.json(body, status);
  });
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } } satisfies ErrorEnvelope, 404));

  app.get("/healthz", async (c) => {
    const { encoders } = await hardware.snapshot();
    return c.json({ status: "ok", hwaccel: config.HWACCEL, storage: storage.name, queue: queue.depth(), encoders });
  });
  app.get("/metrics", async (c) => {
    metrics.sessions.set(sessions.size);
    metrics.leases.set([...sessions.sessions()].reduce((n, s) => n + s.leaseCount, 0));
    metrics.encodeSpeed.reset();
    metrics.segmentsAhead.reset();
    for (const s of sessions.sessions()) {
      metrics.encodeSpeed.set({ session: s.id }, s.speed);
      metrics.segmentsAhead.set({ session: s.id }, s.segmentsAhead);
    }
    return c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  const secret = createHash("sha256").update(config.NODE_SECRET).digest();
  app.use("/v1/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const given = createHash("sha256").update(header.startsWith("Bearer ") ? header.slice(7) : "").digest();
    if (!timingSafeEqual(given, secret)) throw new HTTPException(401, { message: "missing or wrong bearer token" });
    await next();
  });

  const roots = sourceRoots(config);
  const sessionVideos = new SessionVideos();
  app.route("/v1/sessions", sessionRoutes(sessions, storage, (path) => checkSourcePath(path, roots), sessionVideos));

  app.post("/v1/jobs", async (c) => {
    const body = await c.req.json().catch(() => {
      throw new HTTPException(400, { message: "body must be JSON" });
    });
    const parsed = JobRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    }
    if ("path" in parsed.data.source) await checkSourcePath(parsed.data.source.path, roots);
    try {
      const job = queue.submit(parsed.data);
      return c.json(view(job), 201);
    } catch (error) {
      if (error instanceof QueueFullError) throw new HTTPException(503, { message: error.message });
      throw error;
    }
  });

  app.get("/v1/jobs/:id", (c) => c.json(view(findJob(queue, c.req.param("id")))));

  app.delete("/v1/jobs/:id", (c) => {
    const job = findJob(queue, c.req.param("id"));
    if (!queue.cancel(job.id)) throw new HTTPException(409, { message: `job already ${job.status}` });
    return c.json(view(job));
  });

  app.get("/v1/jobs/:id/events", (c) => {
    const job = findJob(queue, c.req.param("id"));
    return streamEvents<JobEvent>(c, { snapshot: view(job), subscribe: (listener) => queue.subscribe(job.id, listener), done: () => TERMINAL.has(job.status) });
  });

  return { app, queue, sessions, sessionVideos };
}

function findJob(queue: JobQueue<JobRequest>, id: string): Job<JobRequest> {
  const job = queue.get(id);
  if (!job) throw new HTTPException(404, { message: `no job ${id}` });
  return job;
}

function view(job: Job<JobRequest>): JobState {
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    ...(job.request.videoId ? { videoId: job.request.videoId } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    // Shown to viewers through the worker: ffmpeg's words may name work folders (the event stream keeps them).
    ...(job.error ? { error: redactPaths(job.error) } : {}),
    ...(job.result ? { result: job.result } : {}),
  };
}

async function runJob(deps: NodeAppDeps, request: JobRequest, context: { signal: AbortSignal; progress(f: number): void; warn(m: string): void }, viewerFirst: ViewerFirst): Promise<JobResult> {
  const { config, storage, hardware } = deps;
  await mkdir(config.WORK_DIR, { recursive: true });
  let download: string | null = null;
  try {
    let input: string;
    if ("path" in request.source) input = request.source.path;
    else {
      download = await mkdtemp(join(config.WORK_DIR, "source-"));
      input = await downloadSource(storage, request.source.storageKey, download, { signal: context.signal });
    }
    const published = await packageToStorage({
      input,
      storage,
      workRoot: config.WORK_DIR,
      hardware,
      hwaccel: config.HWACCEL,
      segmentSeconds: request.segmentSeconds ?? config.SEGMENT_SECONDS,
      segmentType: request.segmentType ?? config.SEGMENT_TYPE,
      ladder: request.ladder ?? config.LADDER,
      probeTimeoutMs: config.PROBE_TIMEOUT_MS,
      niceness: config.JOB_NICE,
      onEncoder: (run) => viewerFirst.jobRun(run),
      ...(config.THUMBNAIL_INTERVAL_SECONDS ? { thumbnails: { intervalSec: config.THUMBNAIL_INTERVAL_SECONDS } } : {}),
      signal: context.signal,
      onProgress: (p) => p.fraction !== undefined && context.progress(p.fraction * 0.95),
      onWarning: context.warn,
    });
    const meta = published.meta;
    return {
      sha256: published.sha256,
      storagePrefix: published.storagePrefix,
      durationMs: Math.round(meta.source.durationSec * 1000),
      deduplicated: published.deduplicated,
      backend: meta.backend,
      renditions: meta.renditions.map((r) => ({
        name: r.name, kind: r.kind, playlist: r.playlist,
        ...(r.width ? { width: r.width, height: r.height! } : {}),
        ...(r.language ? { language: r.language } : {}),
        bandwidth: r.peakBps, averageBandwidth: r.averageBps, codecs: r.codecs,
      })),
      thumbnails: meta.thumbnails ? { poster: meta.thumbnails.poster, track: meta.thumbnails.track, sprites: meta.thumbnails.sprites } : null,
      warnings: published.deduplicated ? [] : meta.warnings,
    };
  } finally {
    if (download) await rm(download, { recursive: true, force: true });
  }
}
