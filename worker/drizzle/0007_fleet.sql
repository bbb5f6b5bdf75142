CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`video_id` text NOT NULL,
	`source_key` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`needs_transcode` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`lease_id` text,
	`node_id` text,
	`lease_expires_at` integer,
	`progress` real DEFAULT 0 NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_video_idx` ON `jobs` (`video_id`);--> statement-breakpoint
CREATE TABLE `transcode_nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`credential_hash` text NOT NULL,
	`url` text,
	`status` text DEFAULT 'healthy' NOT NULL,
	`encoders` text DEFAULT '[]' NOT NULL,
	`hardware` integer DEFAULT false NOT NULL,
	`slots` text DEFAULT '[]' NOT NULL,
	`free_job_slots` integer DEFAULT 0 NOT NULL,
	`free_session_slots` integer DEFAULT 0 NOT NULL,
	`running_jobs` text DEFAULT '[]' NOT NULL,
	`running_sessions` text DEFAULT '[]' NOT NULL,
	`load` real DEFAULT 0 NOT NULL,
	`registered_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_seen_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transcode_nodes_name_unique` ON `transcode_nodes` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `transcode_nodes_credential_hash_unique` ON `transcode_nodes` (`credential_hash`);