-- The quarterly account permission review (八(三): 每季進行系統帳號權限審查) and the account
-- manager's hand-over (六(二): 列冊移交). Both are records: never deleted; a signed review, its
-- items and an acknowledged (or superseded) hand-over are never changed.

-- One review per unit and quarter ('2026Q4': the Gregorian year and quarter in Taipei time).
CREATE TABLE permission_review (
    id              BIGSERIAL PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES unit (id),
    quarter         TEXT NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    -- the idle threshold (days) in force when the review started
    idle_threshold  BIGINT NOT NULL,
    started_by      BIGINT NOT NULL REFERENCES account (id),
    started_at      TIMESTAMPTZ NOT NULL,
    -- touched by every change before sign-off (serialises changes with the sign-off)
    updated_at      TIMESTAMPTZ NOT NULL,
    signed_by       BIGINT REFERENCES account (id),
    signed_at       TIMESTAMPTZ,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, quarter)
);
CREATE INDEX permission_review_signed ON permission_review (unit_id, signed_at);

-- Every active account of the unit, as it stood when the review (re)loaded it: roles, last
-- sign-in, last query, days idle; then the manager's decision (keep, or change with the
-- account change request it opened).
CREATE TABLE permission_review_item (
    id              BIGSERIAL PRIMARY KEY,
    review_id       BIGINT NOT NULL REFERENCES permission_review (id),
    account_id      BIGINT NOT NULL REFERENCES account (id),
    employee_no     TEXT NOT NULL,
    name            TEXT NOT NULL,
    roles           TEXT NOT NULL,
    last_login_at   TIMESTAMPTZ,
    last_query_at   TIMESTAMPTZ,
    idle_days       BIGINT NOT NULL,
    flagged_idle    BOOLEAN NOT NULL,
    snapshot_at     TIMESTAMPTZ NOT NULL,
    decision        TEXT CHECK (decision IN ('keep', 'change')),
    request_id      BIGINT REFERENCES account_request (id),
    decided_by      BIGINT REFERENCES account (id),
    decided_at      TIMESTAMPTZ,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (review_id, account_id)
);

-- 移交: what the outgoing manager hands over; the incoming one acknowledges it.
CREATE TABLE handover (
    id               BIGSERIAL PRIMARY KEY,
    unit_id          BIGINT NOT NULL REFERENCES unit (id),
    outgoing_id      BIGINT NOT NULL REFERENCES account (id),
    incoming_id      BIGINT NOT NULL REFERENCES account (id),
    created_by       BIGINT NOT NULL REFERENCES account (id),
    created_at       TIMESTAMPTZ NOT NULL,
    -- JSON: open requests, last review, pending items, documents held, note
    list             TEXT NOT NULL,
    acknowledged_at  TIMESTAMPTZ,
    ack_note         TEXT NOT NULL DEFAULT '',
    -- a newer list for the same unit replaced this one before it was acknowledged
    superseded_by    BIGINT REFERENCES handover (id),
    CHECK (outgoing_id <> incoming_id)
);
CREATE INDEX handover_unit ON handover (unit_id, id);
CREATE INDEX handover_incoming ON handover (incoming_id, acknowledged_at);

CREATE FUNCTION yinjian_refuse_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_review_signed() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a signed permission review is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_review_item_signed() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM permission_review WHERE id = NEW.review_id AND signed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'a signed permission review is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION yinjian_handover_closed() RETURNS trigger AS $$
BEGIN
    IF OLD.acknowledged_at IS NOT NULL OR OLD.superseded_by IS NOT NULL THEN
        RAISE EXCEPTION 'an acknowledged or superseded hand-over list is never changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER permission_review_no_delete BEFORE DELETE ON permission_review
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER permission_review_no_truncate BEFORE TRUNCATE ON permission_review
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER permission_review_signed BEFORE UPDATE ON permission_review
    FOR EACH ROW EXECUTE FUNCTION yinjian_review_signed();
CREATE TRIGGER permission_review_item_no_delete BEFORE DELETE ON permission_review_item
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER permission_review_item_no_truncate BEFORE TRUNCATE ON permission_review_item
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER permission_review_item_signed BEFORE INSERT OR UPDATE ON permission_review_item
    FOR EACH ROW EXECUTE FUNCTION yinjian_review_item_signed();
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER handover_no_truncate BEFORE TRUNCATE ON handover
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER handover_closed BEFORE UPDATE ON handover
    FOR EACH ROW EXECUTE FUNCTION yinjian_handover_closed();
