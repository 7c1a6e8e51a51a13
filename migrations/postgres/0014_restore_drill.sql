-- The restore drill (附件三 8(4)(5)) is a quarterly duty in the security register, entered by
-- `yinjian restore-check --record`.
ALTER TABLE security_task DROP CONSTRAINT security_task_kind_check;
ALTER TABLE security_task ADD CONSTRAINT security_task_kind_check CHECK (kind IN
    ('vulnerability_scan', 'remediation', 'antivirus', 'os_end_of_support', 'restore_drill'));
