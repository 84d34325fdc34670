-- Issue 16: personal data sealed at rest (src/personal/vault.ts), and the recorded steps on it.
CREATE TABLE `personal_data` (
	`ref` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`blind_index` text,
	`key_id` text,
	`wrapped_key` text,
	`sealed` text,
	`created_at` text NOT NULL,
	`erased_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `personal_data_blind_index` ON `personal_data` (`blind_index`);--> statement-breakpoint
CREATE TABLE `personal_data_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`key_id` text NOT NULL,
	`detail` text NOT NULL,
	`by` text NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER personal_data_steps_no_update BEFORE UPDATE ON personal_data_steps
BEGIN
  SELECT RAISE(ABORT, 'personal_data_steps are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER personal_data_steps_no_delete BEFORE DELETE ON personal_data_steps
BEGIN
  SELECT RAISE(ABORT, 'personal_data_steps are append-only: DELETE refused');
END;
