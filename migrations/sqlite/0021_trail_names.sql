-- "Trail" at every edge (#38): the tamper-evident trail's tables take the trail's name, so that
-- "audit" means 稽核 (the audits of 七(二)) only. Rows, sequence numbers and hashes are unchanged:
-- the chain verifies with the same key before and after. The triggers and indexes are made again
-- under the new names (their messages name the new tables).
DROP TRIGGER audit_event_no_update;
DROP TRIGGER audit_event_no_delete;
DROP TRIGGER audit_key_no_update;
DROP TRIGGER audit_key_no_delete;
DROP INDEX audit_event_actor;
DROP INDEX audit_event_subject;

ALTER TABLE audit_event RENAME TO trail_event;
ALTER TABLE audit_head RENAME TO trail_head;
ALTER TABLE audit_forward RENAME TO trail_forward;
ALTER TABLE audit_key RENAME TO trail_key;

CREATE INDEX trail_event_actor ON trail_event (actor_id, seq);
CREATE INDEX trail_event_subject ON trail_event (subject_national_id, seq);

CREATE TRIGGER trail_event_no_update BEFORE UPDATE ON trail_event
BEGIN
    SELECT RAISE(ABORT, 'trail_event is append-only');
END;
CREATE TRIGGER trail_event_no_delete BEFORE DELETE ON trail_event
BEGIN
    SELECT RAISE(ABORT, 'trail_event is append-only');
END;
CREATE TRIGGER trail_key_no_update BEFORE UPDATE ON trail_key
BEGIN
    SELECT RAISE(ABORT, 'the trail key fingerprint is never changed');
END;
CREATE TRIGGER trail_key_no_delete BEFORE DELETE ON trail_key
BEGIN
    SELECT RAISE(ABORT, 'the trail key fingerprint is never deleted');
END;
