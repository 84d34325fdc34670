-- Registry records are never edited: a later record supersedes (cityProject) or is added
-- beside (dishonesty, misconduct, affiliation) an earlier one, so the registry keeps what
-- every past decision could have seen; the events keep the facts each one did see.
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN
  SELECT RAISE(ABORT, 'records are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN
  SELECT RAISE(ABORT, 'records are append-only: DELETE refused');
END;
