CREATE TABLE `challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`number` integer NOT NULL,
	`kind` text NOT NULL,
	`domain` text NOT NULL,
	`title` text NOT NULL,
	`issuer_unit` text NOT NULL,
	`district_unit` text NOT NULL,
	`stage` text NOT NULL,
	`snapshot` text NOT NULL,
	`version` integer NOT NULL,
	`head_hash` text NOT NULL,
	`machine_version` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `programmes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `challenges_programme_number` ON `challenges` (`programme_id`,`number`);--> statement-breakpoint
CREATE INDEX `challenges_stage` ON `challenges` (`stage`);--> statement-breakpoint
CREATE INDEX `challenges_kind` ON `challenges` (`kind`);--> statement-breakpoint
CREATE INDEX `challenges_domain` ON `challenges` (`domain`);--> statement-breakpoint
CREATE INDEX `challenges_issuer` ON `challenges` (`issuer_unit`);--> statement-breakpoint
CREATE INDEX `challenges_district` ON `challenges` (`district_unit`);--> statement-breakpoint
CREATE TABLE `events` (
	`global_seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`challenge_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`facts` text,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`machine_version` text NOT NULL,
	`state_after` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_challenge_seq` ON `events` (`challenge_id`,`seq`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`token_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status_code` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`token_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `persons` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`unit` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`unit`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `persons_unit` ON `persons` (`unit`);--> statement-breakpoint
CREATE TABLE `programmes` (
	`id` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`challenge_id` text NOT NULL,
	`type` text NOT NULL,
	`due_at` text NOT NULL,
	`due_ms` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`settled_at` text,
	`event_seq` integer,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timers_pending_due` ON `timers` (`due_ms`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `timers_challenge` ON `timers` (`challenge_id`,`status`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`unit` text,
	`person` text,
	`label` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_token_hash_unique` ON `tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `units` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`in_city` integer NOT NULL,
	`legal_person` integer NOT NULL,
	`district` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `units_type` ON `units` (`type`);