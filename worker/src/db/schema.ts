// The database schema, as code. Migrations in worker/drizzle/ are generated from it by drizzle-kit
// (`npm run db:generate`); never edit them by hand.
import { sql } from "drizzle-orm";
import { NODE_REPORTED_STATUSES, type JobResult } from "@edgestream/contracts";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const VIDEO_STATUSES = ["pending", "generating", "ready", "failed"] as const;
export const VISIBILITIES = ["private", "unlisted", "public"] as const;

export const videos = sqliteTable(
  "videos",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    title: text("title").notNull(),
    status: text("status", { enum: VIDEO_STATUSES }).notNull().default("pending"),
    visibility: text("visibility", { enum: VISIBILITIES }).notNull().default("private"),
    /** SHA-256 of the source: the content address of its packaged media. */
    sourceSha256: text("source_sha256"),
    /** Storage prefix of the packaged HLS (master.m3u8 lives at `<prefix>/master.m3u8`). */
    storagePrefix: text("storage_prefix"),
    /** Storage key of the uploaded source, until it is packaged. */
    sourceKey: text("source_key"),
    /** The transcode node's job packaging this video, while it runs. */
    jobId: text("job_id"),
    /** How many times a job was submitted for this video (a node that lost its job gets it again, up to TRANSCODE_MAX_ATTEMPTS). */
    jobAttempts: integer("job_attempts").notNull().default(0),
    /** When the node last answered about this video's job: the clock TRANSCODE_NODE_DOWN_SECONDS runs on. */
    jobSeenAt: integer("job_seen_at", { mode: "timestamp_ms" }),
    /** The node's on-demand session playing this video before it is packaged. */
    nodeSessionId: text("node_session_id"),
    /** Paths below the prefix, from meta.json, when the package has them. */
    posterPath: text("poster_path"),
    thumbnailsPath: text("thumbnails_path"),
    durationMs: integer("duration_ms"),
    /** The owner offers the package's progressive MP4 as a download to everyone who may watch. */
    allowDownload: integer("allow_download", { mode: "boolean" }).notNull().default(false),
    progress: real("progress").notNull().default(0),
    error: text("error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index("videos_owner_idx").on(table.ownerId), index("videos_visibility_idx").on(table.visibility)],
);

export type Video = typeof videos.$inferSelect;
export type NewVideo = typeof videos.$inferInsert;

/** One row per (viewer, video): where they stopped. Written by idempotent upserts, newest client time wins. */
export const playbackProgress = sqliteTable(
  "playback_progress",
  {
    viewerId: text("viewer_id").notNull(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    positionSec: real("position_sec").notNull(),
    durationSec: real("duration_sec"),
    /** The client's clock when it measured the position (ms): orders concurrent or replayed writes. */
    clientTime: integer("client_time").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [primaryKey({ columns: [table.viewerId, table.videoId] })],
);

/** Playback and QoE events, appended in batches (heartbeats, stalls, bitrate switches, errors…). */
export const playbackEvents = sqliteTable(
  "playback_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    viewerId: text("viewer_id").notNull(),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    /** When it happened on the client (ms since epoch). */
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    /** Event-specific fields as JSON text. */
    data: text("data", { mode: "json" }),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [
    index("playback_events_video_idx").on(table.videoId, table.at),
    index("playback_events_session_idx").on(table.sessionId),
    // Analytics over all videos, and the roll-up of old events, select by time alone.
    index("playback_events_at_idx").on(table.at),
  ],
);

/**
 * Analytics roll-ups: one row per playback session and UTC day, summarising its raw events
 * (analytics/session-summary.ts). Raw events older than ANALYTICS_RETENTION_DAYS are rolled up
 * into it and deleted; the analytics queries read the union of both.
 */
export const playbackRollups = sqliteTable(
  "playback_rollups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    videoId: text("video_id").notNull(),
    /** UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    viewerId: text("viewer_id").notNull(),
    sessionKey: text("session_key").notNull(),
    views: integer("views").notNull(),
    ttffMs: integer("ttff_ms"),
    watchMs: real("watch_ms").notNull(),
    maxPositionSec: real("max_position_sec"),
    stalls: integer("stalls").notNull(),
    stallMs: real("stall_ms").notNull(),
    /** JSON object: failure reason → fatal errors. */
    failures: text("failures").notNull(),
    /** JSON object: rendition height → times the player switched to it. */
    renditions: text("renditions").notNull(),
  },
  (table) => [index("playback_rollups_video_day_idx").on(table.videoId, table.day), index("playback_rollups_day_idx").on(table.day)],
);

/**
 * The webhook outbox: every delivery is a row before it is sent, so retries survive a restart.
 * `nextAttemptAt` is null once delivered or given up.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** The delivery id, in the body: receivers de-duplicate on it. */
    id: text("id").primaryKey(),
    event: text("event").notNull(),
    /** The exact JSON body every attempt sends. */
    body: text("body").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index("webhook_deliveries_due_idx").on(table.nextAttemptAt)],
);

/**
 * Transcode nodes that registered with the worker (issue 12), with what they last said they can do.
 * `lost` is not stored: it is read from `last_seen_at` (the worker has no background task).
 */
export const transcodeNodes = sqliteTable("transcode_nodes", {
  id: text("id").primaryKey(),
  /** NODE_NAME: registering again under the same name replaces the node's credential. */
  name: text("name").notNull().unique(),
  /** SHA-256 (hex) of the node's own credential; the credential itself is never stored. */
  credentialHash: text("credential_hash").notNull().unique(),
  /** PUBLIC_URL: where the worker reaches the node for sessions; null behind NAT (jobs only). */
  url: text("url"),
  status: text("status", { enum: NODE_REPORTED_STATUSES }).notNull().default("healthy"),
  /** Working encoders from the node's real detection (`libx264`, `h264_nvenc`, …). */
  encoders: text("encoders", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Whether one of them is a hardware encoder: transcodes prefer such a node. */
  hardware: integer("hardware", { mode: "boolean" }).notNull().default(false),
  /** Free slots per device, as the node reported them (`[{device, jobs, sessions}]`). */
  slots: text("slots", { mode: "json" }).$type<{ device: string; jobs: number; sessions: number }[]>().notNull().default(sql`'[]'`),
  freeJobSlots: integer("free_job_slots").notNull().default(0),
  freeSessionSlots: integer("free_session_slots").notNull().default(0),
  /** Video ids of the node's running jobs and sessions. */
  runningJobs: text("running_jobs", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  runningSessions: text("running_sessions", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** One-minute load average over CPU count. */
  load: real("load").notNull().default(0),
  registeredAt: integer("registered_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
});

export const FLEET_JOB_STATUSES = ["queued", "running", "succeeded", "failed"] as const;

/**
 * Packaging jobs as durable rows that nodes pull (issue 12). A claim sets a new `lease_id`; progress
 * renews `lease_expires_at`; a result is accepted only under the current lease (fencing). A running
 * job whose lease lapsed is claimable again until `attempts` reaches `max_attempts`.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    sourceKey: text("source_key").notNull(),
    status: text("status", { enum: FLEET_JOB_STATUSES }).notNull().default("queued"),
    /** Set by the first node that probed the source; null until then. */
    needsTranscode: integer("needs_transcode", { mode: "boolean" }),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    leaseId: text("lease_id"),
    nodeId: text("node_id"),
    leaseExpiresAt: integer("lease_expires_at", { mode: "timestamp_ms" }),
    progress: real("progress").notNull().default(0),
    result: text("result", { mode: "json" }).$type<JobResult>(),
    error: text("error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index("jobs_status_idx").on(table.status, table.createdAt), index("jobs_video_idx").on(table.videoId)],
);

/** Subtitle tracks an owner added to a video after upload (the WebVTT at sidecarSubtitleKey(videoId, id)). */
export const sidecarSubtitles = sqliteTable(
  "sidecar_subtitles",
  {
    id: text("id").primaryKey(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    /** BCP 47 tag, canonical form (`en`, `pt-BR`). */
    language: text("language").notNull(),
    /** The name players show (NAME in the master playlist). */
    label: text("label").notNull(),
    cues: integer("cues").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index("sidecar_subtitles_video_idx").on(table.videoId)],
);

export type SidecarSubtitle = typeof sidecarSubtitles.$inferSelect;

export type PlaybackProgress = typeof playbackProgress.$inferSelect;
export type PlaybackEvent = typeof playbackEvents.$inferInsert;
export type TranscodeNode = typeof transcodeNodes.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type FleetJob = typeof jobs.$inferSelect;
