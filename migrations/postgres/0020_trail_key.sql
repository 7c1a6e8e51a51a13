-- The audit key's fingerprint (HMAC-SHA256 of a fixed text under the key, hex; never the key),
-- recorded when the key is first used on this database. Every process that opens the trail
-- refuses a key whose fingerprint differs: two instances that each made a key of their own (an
-- empty trail, no key file, different hosts) cannot both write, the first to record its key
-- wins. One row; never changed, never deleted.
CREATE TABLE audit_key (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    fingerprint  TEXT NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL
);
CREATE TRIGGER audit_key_no_change BEFORE UPDATE OR DELETE ON audit_key
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
CREATE TRIGGER audit_key_no_truncate BEFORE TRUNCATE ON audit_key
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
