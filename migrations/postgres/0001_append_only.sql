-- What the SQLite migrations say with triggers and SQLite's own habits, said for PostgreSQL.
--
-- 1. The audit log, the registry's records, the checkpoints and the denials are append-only:
--    the database refuses UPDATE, DELETE and TRUNCATE of them, whoever asks.
CREATE FUNCTION jiebang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER denials_append_only BEFORE UPDATE OR DELETE ON denials FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER denials_no_truncate BEFORE TRUNCATE ON denials FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
-- 2. SQLite numbers a row whose key is given as NULL; the service's statements (one text for
--    both databases) give NULL for a key the database assigns, so PostgreSQL does the same.
CREATE FUNCTION jiebang_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS NULL THEN
    NEW.id := nextval(pg_get_serial_sequence(TG_TABLE_NAME, 'id'));
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE FUNCTION jiebang_next_global_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.global_seq IS NULL THEN
    NEW.global_seq := nextval(pg_get_serial_sequence('events', 'global_seq'));
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_next_global_seq BEFORE INSERT ON events FOR EACH ROW EXECUTE PROCEDURE jiebang_next_global_seq();
--> statement-breakpoint
CREATE TRIGGER records_next_id BEFORE INSERT ON records FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
CREATE TRIGGER timers_next_id BEFORE INSERT ON timers FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
CREATE TRIGGER denials_next_id BEFORE INSERT ON denials FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
-- 3. Text sorts by its bytes, as in SQLite, whatever the database's locale: lists and their
--    cursors page by these keys.
ALTER TABLE programmes ALTER COLUMN id TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE challenges ALTER COLUMN id TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE participations ALTER COLUMN ref TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE participations ALTER COLUMN party TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE participations ALTER COLUMN subject TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE checkpoints ALTER COLUMN day TYPE text COLLATE "C";
