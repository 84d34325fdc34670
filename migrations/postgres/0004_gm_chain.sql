CREATE TABLE "checkpoint_signatures" (
	"day" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	"signed_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hash_switches" (
	"after_global_seq" bigint PRIMARY KEY NOT NULL,
	"after_global_hash" text NOT NULL,
	"algorithm" text NOT NULL,
	"recorded_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"public_key_pem" text NOT NULL,
	"dist_id" text NOT NULL,
	"first_used_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "checkpoints" ADD COLUMN "hash_algorithm" text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
-- Issue 16: the hash switch points, the signing keys and the checkpoint signatures are append-only.
CREATE TRIGGER hash_switches_append_only BEFORE UPDATE OR DELETE ON hash_switches FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER hash_switches_no_truncate BEFORE TRUNCATE ON hash_switches FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER signing_keys_append_only BEFORE UPDATE OR DELETE ON signing_keys FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoint_signatures_append_only BEFORE UPDATE OR DELETE ON checkpoint_signatures FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoint_signatures_no_truncate BEFORE TRUNCATE ON checkpoint_signatures FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
