-- The internal-audit sample no longer depends on how the audit is opened (#35): its seed is an
-- HMAC under the trail key of (kind, unit, period), and it is drawn from the query log as it
-- stood at a cut-off recorded by the first opening for that unit and period (audit_draw), so
-- every opening — another audited person, or after a withdrawal — draws the same sample.
-- Audits opened before keep their seed and cut-off (their opening) and the old shuffle
-- (sample_method 1); new ones are drawn by rank (2).
ALTER TABLE audit ADD COLUMN sample_method INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN sample_cutoff TEXT;
-- A withdrawal is requested by the auditor with a reason and takes effect only when approved:
-- internal audits by the audited unit's supervisor, office and vendor audits by the auditing
-- unit's supervisor. The approver is kept on the record.
ALTER TABLE audit ADD COLUMN withdraw_requested_at TEXT;
ALTER TABLE audit ADD COLUMN withdraw_request_reason TEXT;
ALTER TABLE audit ADD COLUMN withdrawn_approved_by INTEGER REFERENCES account (id);

CREATE TABLE audit_draw (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES unit (id),
    period      TEXT NOT NULL,
    seed        BIGINT NOT NULL,
    cutoff      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (kind, unit_id, period)
);
CREATE TRIGGER audit_draw_no_update BEFORE UPDATE ON audit_draw
BEGIN
    SELECT RAISE(ABORT, 'a sample draw is never changed');
END;
CREATE TRIGGER audit_draw_no_delete BEFORE DELETE ON audit_draw
BEGIN
    SELECT RAISE(ABORT, 'a sample draw is never deleted');
END;
