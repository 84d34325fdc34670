CREATE TABLE `participations` (
	`ref` text NOT NULL,
	`challenge_id` text NOT NULL,
	`programme_id` text NOT NULL,
	`party` text NOT NULL,
	`subject` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`planned_end` text,
	PRIMARY KEY(`ref`, `party`, `subject`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `participations_subject` ON `participations` (`party`,`subject`);--> statement-breakpoint
CREATE INDEX `participations_challenge` ON `participations` (`challenge_id`);--> statement-breakpoint
CREATE TABLE `records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_unit` text,
	`subject_person` text,
	`kind` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text,
	`other_unit` text,
	`relation` text,
	`project_id` text,
	`status` text,
	`planned_end` text,
	`note` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`subject_unit`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_person`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `records_unit` ON `records` (`subject_unit`,`kind`);--> statement-breakpoint
CREATE INDEX `records_person` ON `records` (`subject_person`,`kind`);--> statement-breakpoint
CREATE INDEX `records_other_unit` ON `records` (`other_unit`);