-- The quarterly account permission review (八(三): 每季進行系統帳號權限審查) and the account
-- manager's hand-over (六(二): 列冊移交). Both are records: never deleted; a signed review, its
-- items and an acknowledged (or superseded) hand-over are never changed.
-- Timestamps are RFC 3339 text in UTC written by the application.

-- One review per unit and quarter ('2026Q4': the Gregorian year and quarter in Taipei time).
CREATE TABLE permission_review (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES unit (id),
    quarter         TEXT NOT NULL CHECK (quarter GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
    -- the idle threshold (days) in force when the review started
    idle_threshold  INTEGER NOT NULL,
    started_by      INTEGER NOT NULL REFERENCES account (id),
    started_at      TEXT NOT NULL,
    -- touched by every change before sign-off (serialises changes with the sign-off)
    updated_at      TEXT NOT NULL,
    signed_by       INTEGER REFERENCES account (id),
    signed_at       TEXT,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, quarter)
);
CREATE INDEX permission_review_signed ON permission_review (unit_id, signed_at);

-- Every active account of the unit, as it stood when the review (re)loaded it: roles, last
-- sign-in, last query, days idle; then the manager's decision (keep, or change with the
-- account change request it opened).
CREATE TABLE permission_review_item (
    id              INTEGER PRIMARY KEY,
    review_id       INTEGER NOT NULL REFERENCES permission_review (id),
    account_id      INTEGER NOT NULL REFERENCES account (id),
    employee_no     TEXT NOT NULL,
    name            TEXT NOT NULL,
    roles           TEXT NOT NULL,
    last_login_at   TEXT,
    last_query_at   TEXT,
    idle_days       INTEGER NOT NULL,
    flagged_idle    BOOLEAN NOT NULL,
    snapshot_at     TEXT NOT NULL,
    decision        TEXT CHECK (decision IN ('keep', 'change')),
    request_id      INTEGER REFERENCES account_request (id),
    decided_by      INTEGER REFERENCES account (id),
    decided_at      TEXT,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (review_id, account_id)
);

-- 移交: what the outgoing manager hands over; the incoming one acknowledges it.
CREATE TABLE handover (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES unit (id),
    outgoing_id      INTEGER NOT NULL REFERENCES account (id),
    incoming_id      INTEGER NOT NULL REFERENCES account (id),
    created_by       INTEGER NOT NULL REFERENCES account (id),
    created_at       TEXT NOT NULL,
    -- JSON: open requests, last review, pending items, documents held, note
    list             TEXT NOT NULL,
    acknowledged_at  TEXT,
    ack_note         TEXT NOT NULL DEFAULT '',
    -- a newer list for the same unit replaced this one before it was acknowledged
    superseded_by    INTEGER REFERENCES handover (id),
    CHECK (outgoing_id <> incoming_id)
);
CREATE INDEX handover_unit ON handover (unit_id, id);
CREATE INDEX handover_incoming ON handover (incoming_id, acknowledged_at);

CREATE TRIGGER permission_review_no_delete BEFORE DELETE ON permission_review
BEGIN
    SELECT RAISE(ABORT, 'permission reviews are never deleted');
END;
CREATE TRIGGER permission_review_signed BEFORE UPDATE ON permission_review WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed permission review is never changed');
END;
CREATE TRIGGER permission_review_item_no_delete BEFORE DELETE ON permission_review_item
BEGIN
    SELECT RAISE(ABORT, 'permission review items are never deleted');
END;
CREATE TRIGGER permission_review_item_signed BEFORE UPDATE ON permission_review_item
    WHEN (SELECT signed_at FROM permission_review WHERE id = OLD.review_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed permission review is never changed');
END;
CREATE TRIGGER permission_review_item_insert_signed BEFORE INSERT ON permission_review_item
    WHEN (SELECT signed_at FROM permission_review WHERE id = NEW.review_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed permission review is never changed');
END;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN
    SELECT RAISE(ABORT, 'hand-over lists are never deleted');
END;
CREATE TRIGGER handover_closed BEFORE UPDATE ON handover
    WHEN OLD.acknowledged_at IS NOT NULL OR OLD.superseded_by IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an acknowledged or superseded hand-over list is never changed');
END;
