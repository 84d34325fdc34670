CREATE TABLE `account_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`account_id` text,
	`username` text,
	`by` text,
	`ip` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `account_log_account` ON `account_log` (`account_id`,`at`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`name` text NOT NULL,
	`mobile` text,
	`email` text,
	`roles` text NOT NULL,
	`unit` text,
	`person` text,
	`status` text NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`locked_until` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_username_unique` ON `accounts` (`username`);--> statement-breakpoint
CREATE INDEX `accounts_unit` ON `accounts` (`unit`);--> statement-breakpoint
CREATE TABLE `public_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`kind` text NOT NULL,
	`domain` text NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`issuer_name` text NOT NULL,
	`district_unit` text NOT NULL,
	`district_name` text NOT NULL,
	`indicators` text NOT NULL,
	`period_months` integer NOT NULL,
	`solver_funding_cny` integer NOT NULL,
	`bidding_closes_at` text,
	`stage` text NOT NULL,
	`bidding_open` integer NOT NULL,
	`notice_open` integer NOT NULL,
	`detail` text NOT NULL,
	`published_at` text NOT NULL,
	`notice_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `public_challenges_published` ON `public_challenges` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `public_challenges_domain` ON `public_challenges` (`domain`);--> statement-breakpoint
CREATE INDEX `public_challenges_district` ON `public_challenges` (`district_unit`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_code` text NOT NULL,
	`unit` text NOT NULL,
	`account_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`decided_by` text,
	`decided_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `registrations_status` ON `registrations` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `registrations_unit` ON `registrations` (`unit_code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`account_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_secret_hash_unique` ON `sessions` (`secret_hash`);
--> statement-breakpoint
-- The public list's search index: CJK text as overlapping bigrams (and each run's last character),
-- other text as unicode61 words, so a two-character word like 风电 is one token (see
-- src/engine/public/cjk-bigrams.ts and docs/decisions.md). Written with the projection's rows.
CREATE VIRTUAL TABLE `public_challenges_fts` USING fts5(id UNINDEXED, title, body, tokenize = 'unicode61');
--> statement-breakpoint
CREATE TRIGGER `account_log_no_update` BEFORE UPDATE ON `account_log`
BEGIN
  SELECT RAISE(ABORT, 'account_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `account_log_no_delete` BEFORE DELETE ON `account_log`
BEGIN
  SELECT RAISE(ABORT, 'account_log is append-only');
END;
