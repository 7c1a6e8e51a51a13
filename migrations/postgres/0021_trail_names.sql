-- "Trail" at every edge (#38): the tamper-evident trail's tables take the trail's name, so that
-- "audit" means 稽核 (the audits of 七(二)) only. Rows, sequence numbers and hashes are unchanged:
-- the chain verifies with the same key before and after. Triggers, indexes and the append-only
-- function are renamed with them (the function's message names the new table).
ALTER TABLE audit_event RENAME TO trail_event;
ALTER TABLE audit_head RENAME TO trail_head;
ALTER TABLE audit_forward RENAME TO trail_forward;
ALTER TABLE audit_key RENAME TO trail_key;

ALTER INDEX audit_event_pkey RENAME TO trail_event_pkey;
ALTER INDEX audit_head_pkey RENAME TO trail_head_pkey;
ALTER INDEX audit_forward_pkey RENAME TO trail_forward_pkey;
ALTER INDEX audit_key_pkey RENAME TO trail_key_pkey;
ALTER INDEX audit_event_actor RENAME TO trail_event_actor;
ALTER INDEX audit_event_subject RENAME TO trail_event_subject;

ALTER TABLE trail_head RENAME CONSTRAINT audit_head_id_check TO trail_head_id_check;
ALTER TABLE trail_key RENAME CONSTRAINT audit_key_id_check TO trail_key_id_check;
ALTER TABLE trail_forward RENAME CONSTRAINT audit_forward_last_seq_check TO trail_forward_last_seq_check;

ALTER TRIGGER audit_event_no_update ON trail_event RENAME TO trail_event_no_update;
ALTER TRIGGER audit_event_no_truncate ON trail_event RENAME TO trail_event_no_truncate;
ALTER TRIGGER audit_key_no_change ON trail_key RENAME TO trail_key_no_change;
ALTER TRIGGER audit_key_no_truncate ON trail_key RENAME TO trail_key_no_truncate;

ALTER FUNCTION audit_event_append_only() RENAME TO trail_event_append_only;
CREATE OR REPLACE FUNCTION trail_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'trail_event is append-only';
END;
$$ LANGUAGE plpgsql;
