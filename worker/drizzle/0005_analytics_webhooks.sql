CREATE TABLE `playback_rollups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` text NOT NULL,
	`day` text NOT NULL,
	`viewer_id` text NOT NULL,
	`session_key` text NOT NULL,
	`views` integer NOT NULL,
	`ttff_ms` integer,
	`watch_ms` real NOT NULL,
	`max_position_sec` real,
	`stalls` integer NOT NULL,
	`stall_ms` real NOT NULL,
	`failures` text NOT NULL,
	`renditions` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `playback_rollups_video_day_idx` ON `playback_rollups` (`video_id`,`day`);--> statement-breakpoint
CREATE INDEX `playback_rollups_day_idx` ON `playback_rollups` (`day`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `playback_events_at_idx` ON `playback_events` (`at`);