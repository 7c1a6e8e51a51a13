-- 系統更新紀錄 (附件三 3(6)): each version and commit of the software the first time it starts
-- on this database, with the migrations that start applied and who or what started it. Read by
-- administrators and external auditors on /admin/security. Never changed, never deleted.
CREATE TABLE system_update (
    id                  BIGSERIAL PRIMARY KEY,
    version             TEXT NOT NULL,
    git_commit          TEXT NOT NULL,
    schema_version      BIGINT NOT NULL,
    migrations_applied  TEXT NOT NULL DEFAULT '',
    started_by          TEXT NOT NULL,
    first_started_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (version, git_commit)
);
CREATE TRIGGER system_update_no_change BEFORE UPDATE OR DELETE ON system_update
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
