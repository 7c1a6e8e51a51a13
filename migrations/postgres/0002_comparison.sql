-- The comparison workspace: content-addressed images, the registered-seal registry (every
-- version kept), the query log, comparison records (never edited; annotated only) and the
-- working-time calendar.

-- Images by SHA-256, in the database so every server process sharing it sees them.
CREATE TABLE image_blob (
    sha256      TEXT PRIMARY KEY,
    media_type  TEXT NOT NULL,
    byte_len    BIGINT NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    data        BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE person (
    national_id  TEXT PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);

-- A registered impression (印模) and its seal registration date. A rebuild (印模重建) or a
-- corrected date is a new version; nothing is overwritten.
CREATE TABLE seal_version (
    id                BIGSERIAL PRIMARY KEY,
    national_id       TEXT NOT NULL REFERENCES person (national_id),
    version           BIGINT NOT NULL,
    image_sha256      TEXT NOT NULL REFERENCES image_blob (sha256),
    registered_on     DATE,
    office_unit_id    BIGINT NOT NULL REFERENCES unit (id),
    reason            TEXT NOT NULL CHECK (reason IN ('import', 'new', 'rebuild', 'date_correction')),
    unclear           BOOLEAN NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    created_by        BIGINT REFERENCES account (id),
    UNIQUE (national_id, version)
);

-- The query log (五(二)2): written before the registered impression is shown.
CREATE TABLE seal_query (
    id               BIGSERIAL PRIMARY KEY,
    queried_at       TIMESTAMPTZ NOT NULL,
    operator_id      BIGINT NOT NULL REFERENCES account (id),
    unit_id          BIGINT NOT NULL REFERENCES unit (id),
    client_ip        TEXT,
    business_type    TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    national_id      TEXT NOT NULL,
    person_name      TEXT,
    after_hours      BOOLEAN NOT NULL,
    seal_version_id  BIGINT REFERENCES seal_version (id)
);
CREATE INDEX seal_query_unit ON seal_query (unit_id, queried_at);
CREATE INDEX seal_query_operator ON seal_query (operator_id, queried_at);

-- One submitted comparison per query.
CREATE TABLE comparison (
    id                 BIGSERIAL PRIMARY KEY,
    query_id           BIGINT NOT NULL UNIQUE REFERENCES seal_query (id),
    seal_version_id    BIGINT NOT NULL REFERENCES seal_version (id),
    questioned_sha256  TEXT NOT NULL REFERENCES image_blob (sha256),
    operator_id        BIGINT NOT NULL REFERENCES account (id),
    unit_id            BIGINT NOT NULL REFERENCES unit (id),
    created_at         TIMESTAMPTZ NOT NULL,
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
    id             BIGSERIAL PRIMARY KEY,
    comparison_id  BIGINT NOT NULL REFERENCES comparison (id),
    kind           TEXT NOT NULL CHECK (kind IN ('note', 'printed')),
    author_id      BIGINT NOT NULL REFERENCES account (id),
    created_at     TIMESTAMPTZ NOT NULL,
    text           TEXT NOT NULL
);
CREATE INDEX comparison_note_comparison ON comparison_note (comparison_id, id);

CREATE FUNCTION yinjian_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is never edited or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER comparison_no_change BEFORE UPDATE OR DELETE ON comparison
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
CREATE TRIGGER seal_version_no_change BEFORE UPDATE OR DELETE ON seal_version
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
CREATE TRIGGER seal_query_no_change BEFORE UPDATE OR DELETE ON seal_query
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();

-- The working-time calendar: exceptions to Monday–Friday, and office hours.
CREATE TABLE calendar_day (
    day         DATE PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  BIGINT REFERENCES account (id)
);
CREATE TABLE office_hours (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    start_minute  BIGINT NOT NULL,
    end_minute    BIGINT NOT NULL
);
INSERT INTO office_hours (id, start_minute, end_minute) VALUES (1, 510, 1050);
