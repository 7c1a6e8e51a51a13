-- Rate limits that hold across instances: a counter per key (e.g. `login:203.0.113.9`) and
-- fixed window (its start, in seconds since the epoch). Several servers on one PostgreSQL share
-- it; old windows are dropped as new ones are counted.
CREATE TABLE rate_window (
    key           TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    hits          BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
