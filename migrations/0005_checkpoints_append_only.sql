-- Checkpoints are lodged outside the system and compared later, so they are append-only too.
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused');
END;
