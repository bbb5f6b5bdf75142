ALTER TABLE `videos` ADD `job_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `videos` ADD `job_seen_at` integer;