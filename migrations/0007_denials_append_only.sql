-- The record of refused attempts is append-only, like the event log: auditors rely on it.
CREATE TRIGGER denials_no_update BEFORE UPDATE ON denials
BEGIN
  SELECT RAISE(ABORT, 'denials are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER denials_no_delete BEFORE DELETE ON denials
BEGIN
  SELECT RAISE(ABORT, 'denials are append-only: DELETE refused');
END;
