CREATE TABLE `playback_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` text NOT NULL,
	`viewer_id` text NOT NULL,
	`session_id` text,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`data` text,
	`received_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `playback_events_video_idx` ON `playback_events` (`video_id`,`at`);--> statement-breakpoint
CREATE INDEX `playback_events_session_idx` ON `playback_events` (`session_id`);--> statement-breakpoint
CREATE TABLE `playback_progress` (
	`viewer_id` text NOT NULL,
	`video_id` text NOT NULL,
	`position_sec` real NOT NULL,
	`duration_sec` real,
	`client_time` integer NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`viewer_id`, `video_id`),
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `transcode_nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`capacity` integer DEFAULT 1 NOT NULL,
	`encoders` text DEFAULT '[]' NOT NULL,
	`healthy` integer DEFAULT true NOT NULL,
	`last_seen_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `videos` ADD `source_key` text;--> statement-breakpoint
ALTER TABLE `videos` ADD `poster_path` text;--> statement-breakpoint
ALTER TABLE `videos` ADD `thumbnails_path` text;