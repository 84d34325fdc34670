CREATE TABLE "challenge_list_items" (
	"challenge_id" text NOT NULL,
	"list" text NOT NULL,
	"idx" bigint NOT NULL,
	"item" text NOT NULL,
	CONSTRAINT "challenge_list_items_challenge_id_list_idx_pk" PRIMARY KEY("challenge_id","list","idx")
);
--> statement-breakpoint
ALTER TABLE "challenge_list_items" ADD CONSTRAINT "challenge_list_items_challenge_id_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
-- Issue 15: the snapshot's growing lists move to one row per element (src/engine/stored-snapshot.ts);
-- each stands in the snapshot as its length.
INSERT INTO "challenge_list_items" ("challenge_id", "list", "idx", "item")
SELECT c."id", l.list, j.ord - 1, j.elem::text
FROM "challenges" c
CROSS JOIN (VALUES ('attachments'), ('bids'), ('scores'), ('objections'), ('opinions'), ('changes')) AS l(list)
CROSS JOIN LATERAL jsonb_array_elements(c."snapshot"::jsonb -> 'context' -> l.list) WITH ORDINALITY AS j(elem, ord)
WHERE jsonb_typeof(c."snapshot"::jsonb -> 'context' -> l.list) = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,attachments}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'attachments')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'attachments') = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,bids}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'bids')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'bids') = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,scores}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'scores')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'scores') = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,objections}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'objections')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'objections') = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,opinions}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'opinions')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'opinions') = 'array';
--> statement-breakpoint
UPDATE "challenges" SET "snapshot" = jsonb_set("snapshot"::jsonb, '{context,changes}', to_jsonb(jsonb_array_length("snapshot"::jsonb -> 'context' -> 'changes')))::text
WHERE jsonb_typeof("snapshot"::jsonb -> 'context' -> 'changes') = 'array';
