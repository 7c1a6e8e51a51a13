-- 與戶政機關聯繫單 (附件一) as an online exchange (四): a land office or bureau section asks a
-- district household registration office about an unclear impression or a registration date
-- that differs; the office replies online. A slip is a record: never deleted; once closed or
-- cancelled it is never changed. Every step is a row of liaison_slip_event.
-- Timestamps are RFC 3339 text in UTC written by the application.

-- Contact numbers of every unit (reference data kept by administrators; printed on slips).
ALTER TABLE unit ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN fax TEXT NOT NULL DEFAULT '';

CREATE TABLE liaison_slip (
    id                  INTEGER PRIMARY KEY,
    sender_unit_id      INTEGER NOT NULL REFERENCES unit (id),
    office_unit_id      INTEGER NOT NULL REFERENCES unit (id),
    created_by          INTEGER NOT NULL REFERENCES account (id),
    created_at          TEXT NOT NULL,
    -- the comparison's query it was started from (none when started from scratch)
    query_id            INTEGER REFERENCES seal_query (id),
    national_id         TEXT NOT NULL,
    case_number         TEXT NOT NULL,
    -- 'unclear', 'date_mismatch' or 'other'
    subject             TEXT NOT NULL CHECK (subject IN ('unclear', 'date_mismatch', 'other')),
    -- JSON: the whole form (LiaisonSlipForm)
    form                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN
                            ('draft', 'awaiting_approval', 'sent', 'received', 'replied', 'closed', 'cancelled')),
    approved_by         INTEGER REFERENCES account (id),
    sent_at             TEXT,
    -- reply deadline: the end of office hours on the n-th working day after sending
    due_at              TEXT,
    received_at         TEXT,
    received_by         INTEGER REFERENCES account (id),
    replied_at          TEXT,
    replied_by          INTEGER REFERENCES account (id),
    -- JSON: the office's reply (LiaisonReplyForm)
    reply               TEXT,
    -- the registered-seal version the reply created (a rebuild or a corrected date)
    new_seal_version_id INTEGER REFERENCES seal_version (id),
    closed_at           TEXT,
    cancelled_at        TEXT,
    -- touched by every change (a step starts from the state it read)
    updated_at          TEXT NOT NULL
);
CREATE INDEX liaison_slip_office ON liaison_slip (office_unit_id, state, id);
CREATE INDEX liaison_slip_sender ON liaison_slip (sender_unit_id, state, id);

CREATE TABLE liaison_slip_event (
    id        INTEGER PRIMARY KEY,
    slip_id   INTEGER NOT NULL REFERENCES liaison_slip (id),
    at        TEXT NOT NULL,
    actor_id  INTEGER REFERENCES account (id),
    action    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX liaison_slip_event_slip ON liaison_slip_event (slip_id, id);

CREATE TRIGGER liaison_slip_no_delete BEFORE DELETE ON liaison_slip
BEGIN
    SELECT RAISE(ABORT, 'liaison slips are never deleted');
END;
CREATE TRIGGER liaison_slip_final BEFORE UPDATE ON liaison_slip WHEN OLD.state IN ('closed', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'a closed or cancelled liaison slip is never changed');
END;
CREATE TRIGGER liaison_slip_event_no_delete BEFORE DELETE ON liaison_slip_event
BEGIN
    SELECT RAISE(ABORT, 'liaison slip events are never deleted');
END;
CREATE TRIGGER liaison_slip_event_no_update BEFORE UPDATE ON liaison_slip_event
BEGIN
    SELECT RAISE(ABORT, 'liaison slip events are never changed');
END;
