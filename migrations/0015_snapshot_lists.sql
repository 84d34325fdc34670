CREATE TABLE `challenge_list_items` (
	`challenge_id` text NOT NULL,
	`list` text NOT NULL,
	`idx` integer NOT NULL,
	`item` text NOT NULL,
	PRIMARY KEY(`challenge_id`, `list`, `idx`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE no action
);

--> statement-breakpoint
-- Issue 15: the snapshot's growing lists move to one row per element (src/engine/stored-snapshot.ts);
-- each stands in the snapshot as its length.
INSERT INTO `challenge_list_items` (`challenge_id`, `list`, `idx`, `item`)
SELECT c.`id`, l.column1, CAST(j.`key` AS integer), j.`value`
FROM `challenges` c
JOIN (VALUES ('attachments'), ('bids'), ('scores'), ('objections'), ('opinions'), ('changes')) l
JOIN json_each(c.`snapshot`, '$.context.' || l.column1) j
WHERE json_type(c.`snapshot`, '$.context.' || l.column1) = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.attachments', json_array_length(`snapshot`, '$.context.attachments'))
WHERE json_type(`snapshot`, '$.context.attachments') = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.bids', json_array_length(`snapshot`, '$.context.bids'))
WHERE json_type(`snapshot`, '$.context.bids') = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.scores', json_array_length(`snapshot`, '$.context.scores'))
WHERE json_type(`snapshot`, '$.context.scores') = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.objections', json_array_length(`snapshot`, '$.context.objections'))
WHERE json_type(`snapshot`, '$.context.objections') = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.opinions', json_array_length(`snapshot`, '$.context.opinions'))
WHERE json_type(`snapshot`, '$.context.opinions') = 'array';
--> statement-breakpoint
UPDATE `challenges` SET `snapshot` = json_set(`snapshot`, '$.context.changes', json_array_length(`snapshot`, '$.context.changes'))
WHERE json_type(`snapshot`, '$.context.changes') = 'array';
