-- Audits (七(二)): the unit's monthly internal audit and the external team's quarterly office
-- audit on 附件二, the half-yearly vendor audit on 附件三. An audit holds its drawn sample (with
-- the seed, so anyone can draw it again), the answers as given, the four (vendor: two)
-- sign-offs, and follow-ups: referrals to the Ethics Office (七(三)) and vendors' findings.
-- Kept at least five years (八(五)): nothing is deleted; once the auditor has signed, the
-- answers are frozen; once every box is signed, the record is.
CREATE TABLE audit (
    id                 BIGSERIAL PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('internal', 'office', 'vendor')),
    period             TEXT NOT NULL,
    -- the audited unit (NULL for a vendor audit) and the auditing one
    unit_id            BIGINT REFERENCES unit (id),
    vendor             TEXT,
    auditing_unit_id   BIGINT NOT NULL REFERENCES unit (id),
    auditor_id         BIGINT NOT NULL REFERENCES account (id),
    -- 受稽核人 (internal and office audits)
    audited_id         BIGINT REFERENCES account (id),
    audited_on         DATE NOT NULL,
    seed               BIGINT NOT NULL,
    -- the populations the sample was drawn from
    lookups            BIGINT NOT NULL,
    users              BIGINT NOT NULL,
    -- 異動人數 from the period's account requests; 前次盤點日期 from the quarterly review
    account_changes    BIGINT NOT NULL,
    last_review_at     TIMESTAMPTZ,
    previous_id        BIGINT REFERENCES audit (id),
    previous_followup  TEXT NOT NULL DEFAULT '',
    result             TEXT NOT NULL DEFAULT '',
    recommendations    TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    -- the auditor signed: the answers are frozen
    submitted_at       TIMESTAMPTZ,
    -- every box signed: the record is frozen
    completed_at       TIMESTAMPTZ
);
CREATE INDEX audit_unit ON audit (kind, unit_id, period);

CREATE TABLE audit_sample (
    audit_id  BIGINT NOT NULL REFERENCES audit (id),
    part      TEXT NOT NULL CHECK (part IN ('users', 'queries')),
    -- an account's or a look-up's (seal_query) id
    ref_id    BIGINT NOT NULL,
    PRIMARY KEY (audit_id, part, ref_id)
);

CREATE TABLE audit_answer (
    audit_id     BIGINT NOT NULL REFERENCES audit (id),
    part         TEXT NOT NULL CHECK (part IN ('users', 'queries', 'retention', 'vendor')),
    -- the item's index (附件二) or code (附件三, e.g. 3.(8))
    item         TEXT NOT NULL,
    -- the sampled account or look-up; 0 for items answered once
    sample       BIGINT NOT NULL,
    result       TEXT NOT NULL CHECK (result IN ('conforms', 'does_not_conform', 'not_applicable')),
    note         TEXT,
    answered_by  BIGINT NOT NULL REFERENCES account (id),
    answered_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (audit_id, part, item, sample)
);

CREATE TABLE audit_signoff (
    audit_id    BIGINT NOT NULL REFERENCES audit (id),
    slot        TEXT NOT NULL CHECK (slot IN ('audited', 'audited_supervisor', 'auditor', 'auditor_supervisor', 'vendor')),
    -- NULL for the vendor's representative, who has no account
    account_id  BIGINT REFERENCES account (id),
    name        TEXT NOT NULL,
    -- the vendor's signature drawn on the tablet (a PNG data URL)
    signature   TEXT,
    signed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (audit_id, slot)
);

CREATE TABLE audit_followup (
    id           BIGSERIAL PRIMARY KEY,
    audit_id     BIGINT NOT NULL REFERENCES audit (id),
    kind         TEXT NOT NULL CHECK (kind IN ('ethics', 'vendor')),
    part         TEXT NOT NULL,
    item         TEXT NOT NULL,
    sample       BIGINT NOT NULL,
    description  TEXT NOT NULL,
    due_on       DATE,
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    created_by   BIGINT NOT NULL REFERENCES account (id),
    created_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ,
    UNIQUE (audit_id, kind, part, item, sample)
);
CREATE INDEX audit_followup_open ON audit_followup (kind, status, due_on);

CREATE TABLE audit_followup_event (
    id           BIGSERIAL PRIMARY KEY,
    followup_id  BIGINT NOT NULL REFERENCES audit_followup (id),
    at           TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT REFERENCES account (id),
    -- the status it moved to (open, in_progress, closed) or note
    action       TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX audit_followup_event_f ON audit_followup_event (followup_id, id);

CREATE FUNCTION yinjian_audit_completed() RETURNS trigger AS $$
BEGIN
    IF OLD.completed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a completed audit is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_audit_answer_frozen() RETURNS trigger AS $$
BEGIN
    IF (SELECT submitted_at FROM audit WHERE id = NEW.audit_id) IS NOT NULL THEN
        RAISE EXCEPTION 'the answers of a signed audit are frozen';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_followup_closed() RETURNS trigger AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a closed follow-up is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_completed BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION yinjian_audit_completed();
CREATE TRIGGER audit_answer_frozen BEFORE INSERT OR UPDATE ON audit_answer
    FOR EACH ROW EXECUTE FUNCTION yinjian_audit_answer_frozen();
CREATE TRIGGER audit_followup_closed BEFORE UPDATE ON audit_followup
    FOR EACH ROW EXECUTE FUNCTION yinjian_followup_closed();
CREATE TRIGGER audit_sample_no_update BEFORE UPDATE ON audit_sample
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_update();
CREATE TRIGGER audit_signoff_no_update BEFORE UPDATE ON audit_signoff
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_update();
CREATE TRIGGER audit_followup_event_no_update BEFORE UPDATE ON audit_followup_event
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_update();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_sample_no_delete BEFORE DELETE ON audit_sample
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_sample_no_truncate BEFORE TRUNCATE ON audit_sample
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_answer_no_delete BEFORE DELETE ON audit_answer
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_answer_no_truncate BEFORE TRUNCATE ON audit_answer
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_signoff_no_delete BEFORE DELETE ON audit_signoff
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_signoff_no_truncate BEFORE TRUNCATE ON audit_signoff
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_followup_no_delete BEFORE DELETE ON audit_followup
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_followup_no_truncate BEFORE TRUNCATE ON audit_followup
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_followup_event_no_delete BEFORE DELETE ON audit_followup_event
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER audit_followup_event_no_truncate BEFORE TRUNCATE ON audit_followup_event
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
