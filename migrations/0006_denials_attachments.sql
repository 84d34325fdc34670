CREATE TABLE `attachments` (
	`challenge_id` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`token_id` text NOT NULL,
	`role` text NOT NULL,
	`unit` text,
	`uploaded_at` text NOT NULL,
	PRIMARY KEY(`challenge_id`, `sha256`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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