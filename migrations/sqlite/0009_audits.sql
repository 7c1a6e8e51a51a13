-- Audits (七(二)): the unit's monthly internal audit and the external team's quarterly office
-- audit on 附件二, the half-yearly vendor audit on 附件三. An audit holds its drawn sample (with
-- the seed, so anyone can draw it again), the answers as given, the four (vendor: two)
-- sign-offs, and follow-ups: referrals to the Ethics Office (七(三)) and vendors' findings.
-- Kept at least five years (八(五)): nothing is deleted; once the auditor has signed, the
-- answers are frozen; once every box is signed, the record is.
CREATE TABLE audit (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('internal', 'office', 'vendor')),
    period             TEXT NOT NULL,
    -- the audited unit (NULL for a vendor audit) and the auditing one
    unit_id            INTEGER REFERENCES unit (id),
    vendor             TEXT,
    auditing_unit_id   INTEGER NOT NULL REFERENCES unit (id),
    auditor_id         INTEGER NOT NULL REFERENCES account (id),
    -- 受稽核人 (internal and office audits)
    audited_id         INTEGER REFERENCES account (id),
    audited_on         TEXT NOT NULL,
    seed               BIGINT NOT NULL,
    -- the populations the sample was drawn from
    lookups            INTEGER NOT NULL,
    users              INTEGER NOT NULL,
    -- 異動人數 from the period's account requests; 前次盤點日期 from the quarterly review
    account_changes    INTEGER NOT NULL,
    last_review_at     TEXT,
    previous_id        INTEGER REFERENCES audit (id),
    previous_followup  TEXT NOT NULL DEFAULT '',
    result             TEXT NOT NULL DEFAULT '',
    recommendations    TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    -- the auditor signed: the answers are frozen
    submitted_at       TEXT,
    -- every box signed: the record is frozen
    completed_at       TEXT
);
CREATE INDEX audit_unit ON audit (kind, unit_id, period);

CREATE TABLE audit_sample (
    audit_id  INTEGER NOT NULL REFERENCES audit (id),
    part      TEXT NOT NULL CHECK (part IN ('users', 'queries')),
    -- an account's or a look-up's (seal_query) id
    ref_id    INTEGER NOT NULL,
    PRIMARY KEY (audit_id, part, ref_id)
);

CREATE TABLE audit_answer (
    audit_id     INTEGER NOT NULL REFERENCES audit (id),
    part         TEXT NOT NULL CHECK (part IN ('users', 'queries', 'retention', 'vendor')),
    -- the item's index (附件二) or code (附件三, e.g. 3.(8))
    item         TEXT NOT NULL,
    -- the sampled account or look-up; 0 for items answered once
    sample       INTEGER NOT NULL,
    result       TEXT NOT NULL CHECK (result IN ('conforms', 'does_not_conform', 'not_applicable')),
    note         TEXT,
    answered_by  INTEGER NOT NULL REFERENCES account (id),
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (audit_id, part, item, sample)
);

CREATE TABLE audit_signoff (
    audit_id    INTEGER NOT NULL REFERENCES audit (id),
    slot        TEXT NOT NULL CHECK (slot IN ('audited', 'audited_supervisor', 'auditor', 'auditor_supervisor', 'vendor')),
    -- NULL for the vendor's representative, who has no account
    account_id  INTEGER REFERENCES account (id),
    name        TEXT NOT NULL,
    -- the vendor's signature drawn on the tablet (a PNG data URL)
    signature   TEXT,
    signed_at   TEXT NOT NULL,
    PRIMARY KEY (audit_id, slot)
);

CREATE TABLE audit_followup (
    id           INTEGER PRIMARY KEY,
    audit_id     INTEGER NOT NULL REFERENCES audit (id),
    kind         TEXT NOT NULL CHECK (kind IN ('ethics', 'vendor')),
    part         TEXT NOT NULL,
    item         TEXT NOT NULL,
    sample       INTEGER NOT NULL,
    description  TEXT NOT NULL,
    due_on       TEXT,
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    created_by   INTEGER NOT NULL REFERENCES account (id),
    created_at   TEXT NOT NULL,
    closed_at    TEXT,
    UNIQUE (audit_id, kind, part, item, sample)
);
CREATE INDEX audit_followup_open ON audit_followup (kind, status, due_on);

CREATE TABLE audit_followup_event (
    id           INTEGER PRIMARY KEY,
    followup_id  INTEGER NOT NULL REFERENCES audit_followup (id),
    at           TEXT NOT NULL,
    actor_id     INTEGER REFERENCES account (id),
    -- the status it moved to (open, in_progress, closed) or note
    action       TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX audit_followup_event_f ON audit_followup_event (followup_id, id);

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audits are never deleted');
END;
CREATE TRIGGER audit_completed BEFORE UPDATE ON audit WHEN OLD.completed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a completed audit is never changed');
END;
CREATE TRIGGER audit_sample_no_update BEFORE UPDATE ON audit_sample
BEGIN
    SELECT RAISE(ABORT, 'an audit sample is never changed');
END;
CREATE TRIGGER audit_sample_no_delete BEFORE DELETE ON audit_sample
BEGIN
    SELECT RAISE(ABORT, 'an audit sample is never deleted');
END;
CREATE TRIGGER audit_answer_no_delete BEFORE DELETE ON audit_answer
BEGIN
    SELECT RAISE(ABORT, 'audit answers are never deleted');
END;
CREATE TRIGGER audit_answer_frozen_insert BEFORE INSERT ON audit_answer
    WHEN (SELECT submitted_at FROM audit WHERE id = NEW.audit_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the answers of a signed audit are frozen');
END;
CREATE TRIGGER audit_answer_frozen_update BEFORE UPDATE ON audit_answer
    WHEN (SELECT submitted_at FROM audit WHERE id = OLD.audit_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the answers of a signed audit are frozen');
END;
CREATE TRIGGER audit_signoff_no_update BEFORE UPDATE ON audit_signoff
BEGIN
    SELECT RAISE(ABORT, 'a sign-off is never changed');
END;
CREATE TRIGGER audit_signoff_no_delete BEFORE DELETE ON audit_signoff
BEGIN
    SELECT RAISE(ABORT, 'a sign-off is never deleted');
END;
CREATE TRIGGER audit_followup_no_delete BEFORE DELETE ON audit_followup
BEGIN
    SELECT RAISE(ABORT, 'follow-ups are never deleted');
END;
CREATE TRIGGER audit_followup_closed BEFORE UPDATE ON audit_followup WHEN OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a closed follow-up is never changed');
END;
CREATE TRIGGER audit_followup_event_no_update BEFORE UPDATE ON audit_followup_event
BEGIN
    SELECT RAISE(ABORT, 'follow-up events are never changed');
END;
CREATE TRIGGER audit_followup_event_no_delete BEFORE DELETE ON audit_followup_event
BEGIN
    SELECT RAISE(ABORT, 'follow-up events are never deleted');
END;
