-- 公務使用及個人資料保護聲明 (作業規定五(二)1、九): each account acknowledges the notice at its
-- first sign-in and again every year (#39 item 5). One row per acknowledgement: who, when, which
-- notice (its version and the SHA-256 of its text in both languages) and from where. Read by the
-- server on sign-in and on the account register (附件四's page). Never changed, never deleted.
CREATE TABLE acknowledgement (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES account (id),
    acknowledged_at  TEXT NOT NULL,
    notice_version   INTEGER NOT NULL CHECK (notice_version > 0),
    notice_hash      TEXT NOT NULL CHECK (length(notice_hash) = 64),
    client_ip        TEXT
);
CREATE INDEX acknowledgement_account ON acknowledgement (account_id, id);
CREATE TRIGGER acknowledgement_no_update BEFORE UPDATE ON acknowledgement
BEGIN
    SELECT RAISE(ABORT, 'acknowledgements are never changed');
END;
CREATE TRIGGER acknowledgement_no_delete BEFORE DELETE ON acknowledgement
BEGIN
    SELECT RAISE(ABORT, 'acknowledgements are never deleted');
END;
