CREATE TABLE `checkpoints` (
	`day` text PRIMARY KEY NOT NULL,
	`global_seq` integer NOT NULL,
	`global_hash` text NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `events` ADD `global_hash` text DEFAULT '' NOT NULL;