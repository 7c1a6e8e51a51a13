-- One audit per kind, period and audited party (unit or vendor, and person): an auditor cannot
-- open the same audit again and again until the sample suits. Drawing again is a recorded,
-- reasoned action: the open audit is withdrawn (with its reason, kept) before a new one is
-- opened; a withdrawn audit takes no more answers or signatures.
ALTER TABLE audit ADD COLUMN withdrawn_at TEXT;
ALTER TABLE audit ADD COLUMN withdrawn_reason TEXT;
UPDATE audit SET withdrawn_at = created_at, withdrawn_reason = '重複開立（系統更新時標記）'
    WHERE completed_at IS NULL AND id NOT IN (
        SELECT MIN(id) FROM audit GROUP BY kind, period, COALESCE(unit_id, 0), COALESCE(vendor, ''), COALESCE(audited_id, 0));
CREATE UNIQUE INDEX audit_one_per_party ON audit
    (kind, period, COALESCE(unit_id, 0), COALESCE(vendor, ''), COALESCE(audited_id, 0)) WHERE withdrawn_at IS NULL;
CREATE TRIGGER audit_withdrawn BEFORE UPDATE ON audit WHEN OLD.withdrawn_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a withdrawn audit is never changed');
END;
CREATE TRIGGER audit_answer_withdrawn BEFORE INSERT ON audit_answer
    WHEN (SELECT withdrawn_at FROM audit WHERE id = NEW.audit_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a withdrawn audit takes no answers');
END;
CREATE TRIGGER audit_signoff_withdrawn BEFORE INSERT ON audit_signoff
    WHEN (SELECT withdrawn_at FROM audit WHERE id = NEW.audit_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a withdrawn audit takes no signatures');
END;
