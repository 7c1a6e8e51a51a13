-- The comparison workspace: content-addressed images, the registered-seal registry (every
-- version kept), the query log, comparison records (never edited; annotated only) and the
-- working-time calendar. Timestamps are RFC 3339 text in UTC; dates are YYYY-MM-DD.

-- Images by SHA-256, in the database so every server process sharing it sees them.
CREATE TABLE image_blob (
    sha256      TEXT PRIMARY KEY,
    media_type  TEXT NOT NULL,
    byte_len    INTEGER NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE person (
    national_id  TEXT PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

-- A registered impression (印模) and its seal registration date. A rebuild (印模重建) or a
-- corrected date is a new version; nothing is overwritten.
CREATE TABLE seal_version (
    id                INTEGER PRIMARY KEY,
    national_id       TEXT NOT NULL REFERENCES person (national_id),
    version           INTEGER NOT NULL,
    image_sha256      TEXT NOT NULL REFERENCES image_blob (sha256),
    registered_on     TEXT,
    office_unit_id    INTEGER NOT NULL REFERENCES unit (id),
    reason            TEXT NOT NULL CHECK (reason IN ('import', 'new', 'rebuild', 'date_correction')),
    unclear           BOOLEAN NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES account (id),
    UNIQUE (national_id, version)
);

-- The query log (五(二)2): written before the registered impression is shown.
CREATE TABLE seal_query (
    id               INTEGER PRIMARY KEY,
    queried_at       TEXT NOT NULL,
    operator_id      INTEGER NOT NULL REFERENCES account (id),
    unit_id          INTEGER NOT NULL REFERENCES unit (id),
    client_ip        TEXT,
    business_type    TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    national_id      TEXT NOT NULL,
    person_name      TEXT,
    after_hours      BOOLEAN NOT NULL,
    seal_version_id  INTEGER REFERENCES seal_version (id)
);
CREATE INDEX seal_query_unit ON seal_query (unit_id, queried_at);
CREATE INDEX seal_query_operator ON seal_query (operator_id, queried_at);

-- One submitted comparison per query.
CREATE TABLE comparison (
    id                 INTEGER PRIMARY KEY,
    query_id           INTEGER NOT NULL UNIQUE REFERENCES seal_query (id),
    seal_version_id    INTEGER NOT NULL REFERENCES seal_version (id),
    questioned_sha256  TEXT NOT NULL REFERENCES image_blob (sha256),
    operator_id        INTEGER NOT NULL REFERENCES account (id),
    unit_id            INTEGER NOT NULL REFERENCES unit (id),
    created_at         TEXT NOT NULL,
    browser_score      DOUBLE PRECISION NOT NULL,
    browser_band       TEXT NOT NULL,
    browser_json       TEXT NOT NULL,
    manual_alignment   TEXT,
    server_score       DOUBLE PRECISION NOT NULL,
    server_band        TEXT NOT NULL,
    server_json        TEXT NOT NULL,
    auto_score         DOUBLE PRECISION NOT NULL,
    auto_band          TEXT NOT NULL,
    discrepancy        BOOLEAN NOT NULL,
    decision           TEXT NOT NULL CHECK (decision IN ('match', 'mismatch', 'contact_office')),
    comment            TEXT NOT NULL,
    verification_code  TEXT NOT NULL UNIQUE
);
CREATE INDEX comparison_operator ON comparison (operator_id, id);
CREATE INDEX comparison_unit ON comparison (unit_id, id);

-- Annotations and print events; the record itself never changes.
CREATE TABLE comparison_note (
    id             INTEGER PRIMARY KEY,
    comparison_id  INTEGER NOT NULL REFERENCES comparison (id),
    kind           TEXT NOT NULL CHECK (kind IN ('note', 'printed')),
    author_id      INTEGER NOT NULL REFERENCES account (id),
    created_at     TEXT NOT NULL,
    text           TEXT NOT NULL
);
CREATE INDEX comparison_note_comparison ON comparison_note (comparison_id, id);

CREATE TRIGGER comparison_no_update BEFORE UPDATE ON comparison
BEGIN
    SELECT RAISE(ABORT, 'comparison records are never edited');
END;
CREATE TRIGGER comparison_no_delete BEFORE DELETE ON comparison
BEGIN
    SELECT RAISE(ABORT, 'comparison records are never deleted');
END;
CREATE TRIGGER seal_version_no_update BEFORE UPDATE ON seal_version
BEGIN
    SELECT RAISE(ABORT, 'seal versions are never overwritten');
END;
CREATE TRIGGER seal_version_no_delete BEFORE DELETE ON seal_version
BEGIN
    SELECT RAISE(ABORT, 'seal versions are never deleted');
END;
CREATE TRIGGER seal_query_no_update BEFORE UPDATE ON seal_query
BEGIN
    SELECT RAISE(ABORT, 'the query log is append-only');
END;
CREATE TRIGGER seal_query_no_delete BEFORE DELETE ON seal_query
BEGIN
    SELECT RAISE(ABORT, 'the query log is append-only');
END;

-- The working-time calendar: exceptions to Monday–Friday, and office hours.
CREATE TABLE calendar_day (
    day         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES account (id)
);
CREATE TABLE office_hours (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    start_minute  INTEGER NOT NULL,
    end_minute    INTEGER NOT NULL
);
INSERT INTO office_hours (id, start_minute, end_minute) VALUES (1, 510, 1050);
