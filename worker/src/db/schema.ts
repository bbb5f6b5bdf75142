// The database schema, as code. Migrations in worker/drizzle/ are generated from it by drizzle-kit
// (`npm run db:generate`); never edit them by hand.
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
    durationMs: integer("duration_ms"),
    progress: real("progress").notNull().default(0),
    error: text("error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index("videos_owner_idx").on(table.ownerId), index("videos_visibility_idx").on(table.visibility)],
);

export type Video = typeof videos.$inferSelect;
export type NewVideo = typeof videos.$inferInsert;
