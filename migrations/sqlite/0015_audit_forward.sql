-- The audit forwarder (附件三 4(10)): per collector (e.g. `syslog+tcp://10.0.0.5:514`), the last
-- audit `seq` the collector accepted, when, the last error, and a lease so that of several
-- instances one sends at a time. Timestamps are RFC 3339 text in UTC.
CREATE TABLE audit_forward (
    target         TEXT PRIMARY KEY,
    last_seq       INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_sent_at   TEXT,
    last_error     TEXT,
    last_error_at  TEXT,
    holder         TEXT,
    lease_until    TEXT
);
