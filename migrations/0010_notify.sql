CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`outbox_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`at` text NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	FOREIGN KEY (`outbox_id`) REFERENCES `outbox`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_outbox` ON `delivery_attempts` (`outbox_id`);--> statement-breakpoint
CREATE TABLE `mail_recipients` (
	`address` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`unit` text,
	`person` text,
	`role` text NOT NULL,
	`opt_outs` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_recipients_unit` ON `mail_recipients` (`unit`);--> statement-breakpoint
CREATE INDEX `mail_recipients_person` ON `mail_recipients` (`person`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`challenge_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event_type` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_ms` integer NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`settled_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_delivery` ON `outbox` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`target`,`challenge_id`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_target` ON `outbox` (`target`,`id`);--> statement-breakpoint
CREATE TABLE `reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`timer_id` integer NOT NULL,
	`challenge_id` text NOT NULL,
	`deadline_type` text NOT NULL,
	`due_at` text NOT NULL,
	`working_days_before` integer NOT NULL,
	`remind_at` text NOT NULL,
	`remind_ms` integer NOT NULL,
	`status` text NOT NULL,
	`settled_at` text,
	FOREIGN KEY (`timer_id`) REFERENCES `timers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_timer_days` ON `reminders` (`timer_id`,`working_days_before`);--> statement-breakpoint
CREATE INDEX `reminders_pending` ON `reminders` (`remind_ms`) WHERE status = 'pending';--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`programme_id` text,
	`secret` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
-- The delivery log is a record staff and auditors rely on: append-only, like the event log.
CREATE TRIGGER delivery_attempts_no_update BEFORE UPDATE ON delivery_attempts
BEGIN
  SELECT RAISE(ABORT, 'delivery_attempts are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER delivery_attempts_no_delete BEFORE DELETE ON delivery_attempts
BEGIN
  SELECT RAISE(ABORT, 'delivery_attempts are append-only: DELETE refused');
END;
