-- The register of recurring security duties (八(一)(二)): each duty with its due date; once done,
-- with its date and evidence (and, for an OS that cannot be upgraded in time, the risk controls
-- and plan notified to 民政局). A recurring duty, when done, opens the next one. Never deleted;
-- a done duty is never changed.
CREATE TABLE security_task (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('vulnerability_scan', 'remediation', 'antivirus', 'os_end_of_support')),
    title        TEXT NOT NULL,
    due_on       DATE NOT NULL,
    created_by   BIGINT REFERENCES account (id),
    created_at   TIMESTAMPTZ NOT NULL,
    done_on      DATE,
    done_at      TIMESTAMPTZ,
    done_by      BIGINT REFERENCES account (id),
    evidence     TEXT,
    notice_plan  TEXT,
    -- the next one a recurring duty opened when done
    next_id      BIGINT REFERENCES security_task (id)
);
CREATE INDEX security_task_open ON security_task (done_at, due_on);

CREATE FUNCTION yinjian_task_done() RETURNS trigger AS $$
BEGIN
    IF OLD.done_at IS NOT NULL THEN
        RAISE EXCEPTION 'a done security task is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER security_task_no_delete BEFORE DELETE ON security_task
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER security_task_no_truncate BEFORE TRUNCATE ON security_task
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER security_task_done BEFORE UPDATE ON security_task
    FOR EACH ROW EXECUTE FUNCTION yinjian_task_done();
