-- The register of recurring security duties (八(一)(二)): each duty with its due date; once done,
-- with its date and evidence (and, for an OS that cannot be upgraded in time, the risk controls
-- and plan notified to 民政局). A recurring duty, when done, opens the next one. Never deleted;
-- a done duty is never changed.
CREATE TABLE security_task (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('vulnerability_scan', 'remediation', 'antivirus', 'os_end_of_support')),
    title        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    created_by   INTEGER REFERENCES account (id),
    created_at   TEXT NOT NULL,
    done_on      TEXT,
    done_at      TEXT,
    done_by      INTEGER REFERENCES account (id),
    evidence     TEXT,
    notice_plan  TEXT,
    -- the next one a recurring duty opened when done
    next_id      INTEGER REFERENCES security_task (id)
);
CREATE INDEX security_task_open ON security_task (done_at, due_on);

CREATE TRIGGER security_task_no_delete BEFORE DELETE ON security_task
BEGIN
    SELECT RAISE(ABORT, 'security tasks are never deleted');
END;
CREATE TRIGGER security_task_done BEFORE UPDATE ON security_task WHEN OLD.done_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a done security task is never changed');
END;
