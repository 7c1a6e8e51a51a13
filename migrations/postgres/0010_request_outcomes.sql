-- Every account request ends in a terminal state: besides applied, declined and withdrawn, a
-- request that could not be applied is 'failed' (with its reason shown to the manager) and one
-- overtaken by the account's revocation or disabling is 'superseded'. A terminal state never
-- changes.
ALTER TABLE account_request DROP CONSTRAINT account_request_state_check;
ALTER TABLE account_request ADD CONSTRAINT account_request_state_check CHECK (state IN
    ('filed', 'endorsed', 'approved', 'declined', 'applied', 'withdrawn', 'failed', 'superseded'));
ALTER TABLE account_request ADD COLUMN failure_reason TEXT;
CREATE FUNCTION yinjian_request_terminal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state IN ('declined', 'applied', 'withdrawn', 'failed', 'superseded') AND NEW.state <> OLD.state THEN
        RAISE EXCEPTION 'a closed account request never changes state';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER account_request_terminal BEFORE UPDATE OF state ON account_request
    FOR EACH ROW EXECUTE FUNCTION yinjian_request_terminal();
