-- The audit log is append-only in the database too (issue 7). Kept in step with
-- ../postgres/ (same file names).
--
-- An UPDATE or DELETE of an audit row is refused, whoever asks. The chain head
-- may only move forward: the writer sets it after each batch, and nothing may
-- move it back to hide rows deleted from the end. Someone who can write the
-- database file can still drop these triggers; that is what the signed
-- checkpoints (`benk audit checkpoint`) are for.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: an audit row cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: an audit row cannot be deleted');
END;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'audit_head only moves forward');
END;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
