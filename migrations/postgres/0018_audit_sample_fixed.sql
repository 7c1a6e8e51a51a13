-- The internal-audit sample no longer depends on how the audit is opened (#35): its seed is an
-- HMAC under the trail key of (kind, unit, period), and it is drawn from the query log as it
-- stood at a cut-off recorded by the first opening for that unit and period (audit_draw), so
-- every opening — another audited person, or after a withdrawal — draws the same sample.
-- Audits opened before keep their seed and cut-off (their opening) and the old shuffle
-- (sample_method 1); new ones are drawn by rank (2).
ALTER TABLE audit ADD COLUMN sample_method BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN sample_cutoff TIMESTAMPTZ;
-- A withdrawal is requested by the auditor with a reason and takes effect only when approved:
-- internal audits by the audited unit's supervisor, office and vendor audits by the auditing
-- unit's supervisor. The approver is kept on the record.
ALTER TABLE audit ADD COLUMN withdraw_requested_at TIMESTAMPTZ;
ALTER TABLE audit ADD COLUMN withdraw_request_reason TEXT;
ALTER TABLE audit ADD COLUMN withdrawn_approved_by BIGINT REFERENCES account (id);

CREATE TABLE audit_draw (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES unit (id),
    period      TEXT NOT NULL,
    seed        BIGINT NOT NULL,
    cutoff      TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (kind, unit_id, period)
);
CREATE TRIGGER audit_draw_no_change BEFORE UPDATE OR DELETE ON audit_draw
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
