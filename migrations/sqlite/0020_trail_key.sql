-- The audit key's fingerprint (HMAC-SHA256 of a fixed text under the key, hex; never the key),
-- recorded when the key is first used on this database. Every process that opens the trail
-- refuses a key whose fingerprint differs: two instances that each made a key of their own (an
-- empty trail, no key file, different hosts) cannot both write, the first to record its key
-- wins. One row; never changed, never deleted.
CREATE TABLE audit_key (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE TRIGGER audit_key_no_update BEFORE UPDATE ON audit_key
BEGIN
    SELECT RAISE(ABORT, 'the audit key fingerprint is never changed');
END;
CREATE TRIGGER audit_key_no_delete BEFORE DELETE ON audit_key
BEGIN
    SELECT RAISE(ABORT, 'the audit key fingerprint is never deleted');
END;
