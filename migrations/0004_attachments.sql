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
