-- The chain's head is sealed with the audit key too (HMAC of its seq and hash), so cutting off
-- the newest rows together with a rewritten head is detected. Filled in on the first start
-- after this migration, once the key has verified the newest row.
ALTER TABLE audit_head ADD COLUMN mac TEXT;
