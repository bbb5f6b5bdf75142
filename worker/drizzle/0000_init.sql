CREATE TABLE `videos` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`visibility` text DEFAULT 'private' NOT NULL,
	`source_sha256` text,
	`storage_prefix` text,
	`duration_ms` integer,
	`progress` real DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `videos_owner_idx` ON `videos` (`owner_id`);--> statement-breakpoint
CREATE INDEX `videos_visibility_idx` ON `videos` (`visibility`);