CREATE TABLE `denials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`token_id` text,
	`role` text,
	`unit` text,
	`person` text,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`challenge_id` text,
	`event_type` text,
	`status` integer NOT NULL,
	`code` text NOT NULL,
	`clause` text,
	`clauses` text,
	`scope` text,
	`message` text NOT NULL,
	`request_id` text NOT NULL,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `denials_challenge` ON `denials` (`challenge_id`,`id`);--> statement-breakpoint
CREATE INDEX `denials_token` ON `denials` (`token_id`,`id`);--> statement-breakpoint
CREATE INDEX `denials_at` ON `denials` (`at`);