-- Foundation: units, accounts, roles, designations, and the append-only audit trail.

CREATE TABLE unit (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('bureau_section', 'agency', 'land_office', 'household_office')),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE account (
    id                    BIGSERIAL PRIMARY KEY,
    employee_no           TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    unit_id               BIGINT NOT NULL REFERENCES unit (id),
    email                 TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    password_hash         TEXT NOT NULL,
    password_changed_at   TIMESTAMPTZ NOT NULL,
    must_change_password  BOOLEAN NOT NULL,
    failed_attempts       BIGINT NOT NULL DEFAULT 0,
    locked_until          TIMESTAMPTZ,
    disabled              BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at           TIMESTAMPTZ,
    disabled_reason       TEXT,
    session_version       BIGINT NOT NULL DEFAULT 1,
    created_at            TIMESTAMPTZ NOT NULL,
    last_login_at         TIMESTAMPTZ
);

CREATE TABLE account_role (
    account_id  BIGINT NOT NULL REFERENCES account (id),
    role        TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE password_history (
    id             BIGSERIAL PRIMARY KEY,
    account_id     BIGINT NOT NULL REFERENCES account (id),
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, id);

CREATE TABLE designation (
    id          BIGSERIAL PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES unit (id),
    account_id  BIGINT NOT NULL REFERENCES account (id),
    kind        TEXT NOT NULL,
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  BIGINT REFERENCES account (id)
);

CREATE TABLE audit_event (
    seq                  BIGINT PRIMARY KEY,
    occurred_at          TIMESTAMPTZ NOT NULL,
    actor_id             BIGINT,
    actor_employee_no    TEXT,
    actor_roles          TEXT,
    actor_unit_id        BIGINT,
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

-- The chain head lives apart from the rows; its row lock serialises appends across processes.
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
