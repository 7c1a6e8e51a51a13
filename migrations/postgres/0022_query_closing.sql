-- A look-up left without a comparison (#39): the clerk resumes it the same working day, or
-- closes it afterwards with a reason (不比對) that the monthly report shows. A closing is
-- written once and never changed, like the query it closes.
CREATE TABLE query_closing (
    query_id   BIGINT PRIMARY KEY REFERENCES seal_query (id),
    closed_by  BIGINT NOT NULL REFERENCES account (id),
    closed_at  TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);
CREATE TRIGGER query_closing_no_change BEFORE UPDATE OR DELETE ON query_closing
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();

