-- 系統更新紀錄 (附件三 3(6)): each version and commit of the software the first time it starts
-- on this database, with the migrations that start applied and who or what started it. Read by
-- administrators and external auditors on /admin/security. Never changed, never deleted.
CREATE TABLE system_update (
    id                  INTEGER PRIMARY KEY,
    version             TEXT NOT NULL,
    git_commit          TEXT NOT NULL,
    schema_version      INTEGER NOT NULL,
    migrations_applied  TEXT NOT NULL DEFAULT '',
    started_by          TEXT NOT NULL,
    first_started_at    TEXT NOT NULL,
    UNIQUE (version, git_commit)
);
CREATE TRIGGER system_update_no_update BEFORE UPDATE ON system_update
BEGIN
    SELECT RAISE(ABORT, 'update records are never changed');
END;
CREATE TRIGGER system_update_no_delete BEFORE DELETE ON system_update
BEGIN
    SELECT RAISE(ABORT, 'update records are never deleted');
END;
