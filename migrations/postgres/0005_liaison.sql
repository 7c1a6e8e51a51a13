-- 與戶政機關聯繫單 (附件一) as an online exchange (四): a land office or bureau section asks a
-- district household registration office about an unclear impression or a registration date
-- that differs; the office replies online. A slip is a record: never deleted; once closed or
-- cancelled it is never changed. Every step is a row of liaison_slip_event.

-- Contact numbers of every unit (reference data kept by administrators; printed on slips).
ALTER TABLE unit ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN fax TEXT NOT NULL DEFAULT '';

CREATE TABLE liaison_slip (
    id                  BIGSERIAL PRIMARY KEY,
    sender_unit_id      BIGINT NOT NULL REFERENCES unit (id),
    office_unit_id      BIGINT NOT NULL REFERENCES unit (id),
    created_by          BIGINT NOT NULL REFERENCES account (id),
    created_at          TIMESTAMPTZ NOT NULL,
    -- the comparison's query it was started from (none when started from scratch)
    query_id            BIGINT REFERENCES seal_query (id),
    national_id         TEXT NOT NULL,
    case_number         TEXT NOT NULL,
    subject             TEXT NOT NULL CHECK (subject IN ('unclear', 'date_mismatch', 'other')),
    -- JSON: the whole form (LiaisonSlipForm)
    form                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN
                            ('draft', 'awaiting_approval', 'sent', 'received', 'replied', 'closed', 'cancelled')),
    approved_by         BIGINT REFERENCES account (id),
    sent_at             TIMESTAMPTZ,
    -- reply deadline: the end of office hours on the n-th working day after sending
    due_at              TIMESTAMPTZ,
    received_at         TIMESTAMPTZ,
    received_by         BIGINT REFERENCES account (id),
    replied_at          TIMESTAMPTZ,
    replied_by          BIGINT REFERENCES account (id),
    -- JSON: the office's reply (LiaisonReplyForm)
    reply               TEXT,
    -- the registered-seal version the reply created (a rebuild or a corrected date)
    new_seal_version_id BIGINT REFERENCES seal_version (id),
    closed_at           TIMESTAMPTZ,
    cancelled_at        TIMESTAMPTZ,
    -- touched by every change (a step starts from the state it read)
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX liaison_slip_office ON liaison_slip (office_unit_id, state, id);
CREATE INDEX liaison_slip_sender ON liaison_slip (sender_unit_id, state, id);

CREATE TABLE liaison_slip_event (
    id        BIGSERIAL PRIMARY KEY,
    slip_id   BIGINT NOT NULL REFERENCES liaison_slip (id),
    at        TIMESTAMPTZ NOT NULL,
    actor_id  BIGINT REFERENCES account (id),
    action    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX liaison_slip_event_slip ON liaison_slip_event (slip_id, id);

CREATE FUNCTION yinjian_liaison_final() RETURNS trigger AS $$
BEGIN
    IF OLD.state IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'a closed or cancelled liaison slip is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER liaison_slip_no_delete BEFORE DELETE ON liaison_slip
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER liaison_slip_no_truncate BEFORE TRUNCATE ON liaison_slip
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER liaison_slip_final BEFORE UPDATE ON liaison_slip
    FOR EACH ROW EXECUTE FUNCTION yinjian_liaison_final();
CREATE TRIGGER liaison_slip_event_no_delete BEFORE DELETE ON liaison_slip_event
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER liaison_slip_event_no_truncate BEFORE TRUNCATE ON liaison_slip_event
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER liaison_slip_event_no_update BEFORE UPDATE ON liaison_slip_event
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_update();
