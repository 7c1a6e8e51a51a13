-- A one-time password (a new account's, an administrator's reset, an applied 附件五 新增) stops
-- working when it has not been used within 24 hours: the account records when. NULL for
-- passwords the person chose, and for the demo accounts of a YINJIAN_DEMO server (a
-- must-change account without an end expires 24 hours after password_changed_at elsewhere).
ALTER TABLE account ADD COLUMN one_time_until TIMESTAMPTZ;
