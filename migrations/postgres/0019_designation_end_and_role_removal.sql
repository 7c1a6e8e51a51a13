-- Every designation ends. Old rows made without an end (before the one-year rule) end a year
-- after their start; from here a designation without an end cannot be stored.
UPDATE designation SET valid_to = valid_from + INTERVAL '1 year' WHERE valid_to IS NULL;
ALTER TABLE designation ALTER COLUMN valid_to SET NOT NULL;

-- Roles taken from accounts because their unit may not hold them (administrator only in the IT
-- Office, Ethics only in the Ethics Office, the external auditor only in the external audit
-- team's units, 七(一)1): listed for the administrators; each removal is also in the trail.
CREATE TABLE role_removal (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES account (id),
    unit_id     BIGINT NOT NULL REFERENCES unit (id),
    role        TEXT NOT NULL,
    removed_at  TIMESTAMPTZ NOT NULL
);
CREATE TRIGGER role_removal_no_change BEFORE UPDATE OR DELETE ON role_removal
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
