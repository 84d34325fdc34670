-- Issues 11, 12 and 14 for PostgreSQL, as their SQLite migrations say with triggers and FTS5.
--
-- 1. The delivery log and the account log are append-only, as on SQLite.
CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE OR DELETE ON delivery_attempts FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER delivery_attempts_no_truncate BEFORE TRUNCATE ON delivery_attempts FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER account_log_append_only BEFORE UPDATE OR DELETE ON account_log FOR EACH ROW EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
CREATE TRIGGER account_log_no_truncate BEFORE TRUNCATE ON account_log FOR EACH STATEMENT EXECUTE PROCEDURE jiebang_append_only();
--> statement-breakpoint
-- 2. Keys the database assigns, given as NULL by the one set of statements.
CREATE TRIGGER outbox_next_id BEFORE INSERT ON outbox FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
CREATE TRIGGER delivery_attempts_next_id BEFORE INSERT ON delivery_attempts FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
CREATE TRIGGER reminders_next_id BEFORE INSERT ON reminders FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
CREATE TRIGGER account_log_next_id BEFORE INSERT ON account_log FOR EACH ROW EXECUTE PROCEDURE jiebang_next_id();
--> statement-breakpoint
-- 3. Text sorts by its bytes, as in SQLite: the public list and the registrations page by these keys.
ALTER TABLE public_challenges ALTER COLUMN id TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE public_challenges ALTER COLUMN published_at TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE public_challenges ALTER COLUMN notice_at TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE registrations ALTER COLUMN id TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE registrations ALTER COLUMN created_at TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE accounts ALTER COLUMN username TYPE text COLLATE "C";
--> statement-breakpoint
-- 4. The public search (SQLite: the FTS5 table of the same name). PostgreSQL 12 has no Chinese
--    tokenizer and the service uses no extension: the text as written, for ILIKE, and its terms
--    (Han bigrams, lower-case words) in a GIN-indexed array that narrows the rows first.
CREATE TABLE public_challenges_fts (
  id text PRIMARY KEY COLLATE "C" REFERENCES public_challenges (id) ON DELETE CASCADE,
  title text NOT NULL,
  body text NOT NULL,
  terms text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX public_challenges_fts_terms ON public_challenges_fts USING gin (terms);
--> statement-breakpoint
ALTER TABLE mail_recipients ALTER COLUMN address TYPE text COLLATE "C";
