-- Every designation ends. Old rows made without an end (before the one-year rule) end a year
-- after their start; from here a designation without an end cannot be stored (the table is
-- made again with valid_to NOT NULL: SQLite cannot add the constraint in place).
CREATE TABLE designation_new (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit (id),
    account_id  INTEGER NOT NULL REFERENCES account (id),
    kind        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES account (id)
);
INSERT INTO designation_new (id, unit_id, account_id, kind, valid_from, valid_to, created_at, created_by)
SELECT id, unit_id, account_id, kind, valid_from,
       COALESCE(valid_to, strftime('%Y-%m-%d %H:%M:%f', valid_from, '+1 year') || '+00:00'),
       created_at, created_by
FROM designation;
DROP TABLE designation;
ALTER TABLE designation_new RENAME TO designation;

-- Roles taken from accounts because their unit may not hold them (administrator only in the IT
-- Office, Ethics only in the Ethics Office, the external auditor only in the external audit
-- team's units, 七(一)1): listed for the administrators; each removal is also in the trail.
CREATE TABLE role_removal (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    unit_id     INTEGER NOT NULL REFERENCES unit (id),
    role        TEXT NOT NULL,
    removed_at  TEXT NOT NULL
);
CREATE TRIGGER role_removal_no_update BEFORE UPDATE ON role_removal
BEGIN
    SELECT RAISE(ABORT, 'role removals are never changed');
END;
CREATE TRIGGER role_removal_no_delete BEFORE DELETE ON role_removal
BEGIN
    SELECT RAISE(ABORT, 'role removals are never deleted');
END;
