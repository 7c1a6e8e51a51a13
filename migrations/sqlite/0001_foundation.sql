-- Foundation: units, accounts, roles, designations, and the append-only audit trail.
-- Timestamps are RFC 3339 text in UTC written by the application.

CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('bureau_section', 'agency', 'land_office', 'household_office')),
    active      BOOLEAN NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

CREATE TABLE account (
    id                    INTEGER PRIMARY KEY,
    employee_no           TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    unit_id               INTEGER NOT NULL REFERENCES unit (id),
    email                 TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    password_hash         TEXT NOT NULL,
    password_changed_at   TEXT NOT NULL,
    must_change_password  BOOLEAN NOT NULL,
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,
    disabled              BOOLEAN NOT NULL DEFAULT 0,
    disabled_at           TEXT,
    disabled_reason       TEXT,
    session_version       INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    last_login_at         TEXT
);

CREATE TABLE account_role (
    account_id  INTEGER NOT NULL REFERENCES account (id),
    role        TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE password_history (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES account (id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, id);

CREATE TABLE designation (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit (id),
    account_id  INTEGER NOT NULL REFERENCES account (id),
    kind        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES account (id)
);

CREATE TABLE audit_event (
    seq                  INTEGER PRIMARY KEY,
    occurred_at          TEXT NOT NULL,
    actor_id             INTEGER,
    actor_employee_no    TEXT,
    actor_roles          TEXT,
    actor_unit_id        INTEGER,
    action               TEXT NOT NULL,
    object_type          TEXT,
    object_id            TEXT,
    case_number          TEXT,
    subject_national_id  TEXT,
    client_ip            TEXT,
    outcome              TEXT NOT NULL,
    details              TEXT NOT NULL,
    prev_hash            TEXT NOT NULL,
    hash                 TEXT NOT NULL
);
CREATE INDEX audit_event_actor ON audit_event (actor_id, seq);
CREATE INDEX audit_event_subject ON audit_event (subject_national_id, seq);

-- The chain head lives apart from the rows, so removing the newest rows is detected.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;

CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
