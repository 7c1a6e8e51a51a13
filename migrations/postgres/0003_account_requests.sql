-- The account change request (帳號異動申請單, 附件五) and its timeline.

CREATE TABLE account_request (
    id                    BIGSERIAL PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('create', 'change', 'cancel')),
    employee_no           TEXT NOT NULL,
    -- the form as filed (JSON of AccountRequestForm)
    form                  TEXT NOT NULL,
    -- the filing (business) unit, and the unit whose account manager reviews
    unit_id               BIGINT NOT NULL REFERENCES unit (id),
    target_unit_id        BIGINT NOT NULL REFERENCES unit (id),
    roles                 TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('filed', 'endorsed', 'approved', 'declined', 'applied', 'withdrawn')),
    filed_by              BIGINT NOT NULL REFERENCES account (id),
    filed_at              TIMESTAMPTZ NOT NULL,
    endorsed_by           BIGINT REFERENCES account (id),
    endorsed_at           TIMESTAMPTZ,
    reviewed_by           BIGINT REFERENCES account (id),
    reviewed_at           TIMESTAMPTZ,
    decline_reason        TEXT,
    decline_text          TEXT,
    effective_at          TIMESTAMPTZ,
    initial_password_hash TEXT,
    applied_at            TIMESTAMPTZ,
    account_id            BIGINT REFERENCES account (id)
);
CREATE INDEX account_request_state ON account_request (state, effective_at);
CREATE INDEX account_request_employee ON account_request (employee_no, state);

CREATE TABLE account_request_event (
    id          BIGSERIAL PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES account_request (id),
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT REFERENCES account (id),
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_request_event_request ON account_request_event (request_id, id);
