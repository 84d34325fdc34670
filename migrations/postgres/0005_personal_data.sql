CREATE TABLE "personal_data" (
	"ref" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"blind_index" text,
	"key_id" text,
	"wrapped_key" text,
	"sealed" text,
	"created_at" text NOT NULL,
	"erased_at" text
);
--> statement-breakpoint
CREATE TABLE "personal_data_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"kind" text NOT NULL,
	"key_id" text NOT NULL,
	"detail" text NOT NULL,
	"by" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "personal_data_blind_index" ON "personal_data" USING btree ("blind_index");--> statement-breakpoint
-- Issue 16: the steps on personal data are append-only; the steps' key is assigned by the database.
CREATE TRIGGER personal_data_steps_append_only BEFORE UPDATE OR DELETE ON personal_data_steps FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER personal_data_steps_no_truncate BEFORE TRUNCATE ON personal_data_steps FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER personal_data_steps_next_id BEFORE INSERT ON personal_data_steps FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
