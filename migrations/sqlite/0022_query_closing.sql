-- A look-up left without a comparison (#39): the clerk resumes it the same working day, or
-- closes it afterwards with a reason (不比對) that the monthly report shows. A closing is
-- written once and never changed, like the query it closes.
CREATE TABLE query_closing (
    query_id   INTEGER PRIMARY KEY REFERENCES seal_query (id),
    closed_by  INTEGER NOT NULL REFERENCES account (id),
    closed_at  TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);
CREATE TRIGGER query_closing_no_update BEFORE UPDATE ON query_closing
BEGIN
    SELECT RAISE(ABORT, 'a closed look-up stays closed');
END;
CREATE TRIGGER query_closing_no_delete BEFORE DELETE ON query_closing
BEGIN
    SELECT RAISE(ABORT, 'a closed look-up stays closed');
END;

