-- The restore drill (附件三 8(4)(5)) is a quarterly duty in the security register, entered by
-- `yinjian restore-check --record`. SQLite cannot alter a CHECK: the kind column is replaced by
-- one with the wider CHECK (values copied; the done-row trigger is lifted for the copy only).
DROP TRIGGER security_task_done;
ALTER TABLE security_task ADD COLUMN kind_new TEXT NOT NULL DEFAULT 'vulnerability_scan' CHECK (kind_new IN
    ('vulnerability_scan', 'remediation', 'antivirus', 'os_end_of_support', 'restore_drill'));
UPDATE security_task SET kind_new = kind;
ALTER TABLE security_task DROP COLUMN kind;
ALTER TABLE security_task RENAME COLUMN kind_new TO kind;
CREATE TRIGGER security_task_done BEFORE UPDATE ON security_task WHEN OLD.done_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a done security task is never changed');
END;
