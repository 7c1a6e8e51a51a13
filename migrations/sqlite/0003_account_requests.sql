-- The account change request (帳號異動申請單, 附件五) and its timeline.

CREATE TABLE account_request (
    id                    INTEGER PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('create', 'change', 'cancel')),
    employee_no           TEXT NOT NULL,
    -- the form as filed (JSON of AccountRequestForm)
    form                  TEXT NOT NULL,
    -- the filing (business) unit, and the unit whose account manager reviews
    unit_id               INTEGER NOT NULL REFERENCES unit (id),
    target_unit_id        INTEGER NOT NULL REFERENCES unit (id),
    roles                 TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('filed', 'endorsed', 'approved', 'declined', 'applied', 'withdrawn')),
    filed_by              INTEGER NOT NULL REFERENCES account (id),
    filed_at              TEXT NOT NULL,
    endorsed_by           INTEGER REFERENCES account (id),
    endorsed_at           TEXT,
    reviewed_by           INTEGER REFERENCES account (id),
    reviewed_at           TEXT,
    decline_reason        TEXT,
    decline_text          TEXT,
    effective_at          TEXT,
    initial_password_hash TEXT,
    applied_at            TEXT,
    account_id            INTEGER REFERENCES account (id)
);
CREATE INDEX account_request_state ON account_request (state, effective_at);
CREATE INDEX account_request_employee ON account_request (employee_no, state);

CREATE TABLE account_request_event (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES account_request (id),
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES account (id),
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_request_event_request ON account_request_event (request_id, id);
