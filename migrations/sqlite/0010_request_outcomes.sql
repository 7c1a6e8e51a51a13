-- Every account request ends in a terminal state: besides applied, declined and withdrawn, a
-- request that could not be applied is 'failed' (with its reason shown to the manager) and one
-- overtaken by the account's revocation or disabling is 'superseded'. A terminal state never
-- changes. SQLite cannot alter a CHECK: the state column is replaced by one with the wider
-- CHECK (same values copied; the indexes on it are rebuilt).
ALTER TABLE account_request ADD COLUMN state_new TEXT NOT NULL DEFAULT 'filed' CHECK (state_new IN
    ('filed', 'endorsed', 'approved', 'declined', 'applied', 'withdrawn', 'failed', 'superseded'));
UPDATE account_request SET state_new = state;
DROP INDEX account_request_state;
DROP INDEX account_request_employee;
ALTER TABLE account_request DROP COLUMN state;
ALTER TABLE account_request RENAME COLUMN state_new TO state;
CREATE INDEX account_request_state ON account_request (state, effective_at);
CREATE INDEX account_request_employee ON account_request (employee_no, state);
ALTER TABLE account_request ADD COLUMN failure_reason TEXT;
CREATE TRIGGER account_request_terminal BEFORE UPDATE OF state ON account_request
    WHEN OLD.state IN ('declined', 'applied', 'withdrawn', 'failed', 'superseded') AND NEW.state <> OLD.state
BEGIN
    SELECT RAISE(ABORT, 'a closed account request never changes state');
END;
