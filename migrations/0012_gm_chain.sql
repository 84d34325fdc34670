-- Issue 16 (国密): the recorded switch points of the chains' hash, the SM2 keys that sign the
-- daily checkpoints, and their signatures. Written by hand: drizzle-kit's SQLite snapshots
-- 0009…0011 collide (they name one parent), so it cannot generate this one.
CREATE TABLE `hash_switches` (
	`after_global_seq` integer PRIMARY KEY NOT NULL,
	`after_global_hash` text NOT NULL,
	`algorithm` text NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`public_key_pem` text NOT NULL,
	`dist_id` text NOT NULL,
	`first_used_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `checkpoint_signatures` (
	`day` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`signature` text NOT NULL,
	`signed_at` text NOT NULL
);
--> statement-breakpoint
-- Every checkpoint recorded so far closed on an event chained with SHA-256: the default says so
-- without touching a row (SQLite adds a column with a constant default in the schema only).
ALTER TABLE `checkpoints` ADD `hash_algorithm` text DEFAULT 'sha256' NOT NULL;
--> statement-breakpoint
CREATE TRIGGER hash_switches_no_update BEFORE UPDATE ON hash_switches
BEGIN
  SELECT RAISE(ABORT, 'hash_switches are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER hash_switches_no_delete BEFORE DELETE ON hash_switches
BEGIN
  SELECT RAISE(ABORT, 'hash_switches are append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN
  SELECT RAISE(ABORT, 'signing_keys are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN
  SELECT RAISE(ABORT, 'signing_keys are append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER checkpoint_signatures_no_update BEFORE UPDATE ON checkpoint_signatures
BEGIN
  SELECT RAISE(ABORT, 'checkpoint_signatures are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER checkpoint_signatures_no_delete BEFORE DELETE ON checkpoint_signatures
BEGIN
  SELECT RAISE(ABORT, 'checkpoint_signatures are append-only: DELETE refused');
END;
