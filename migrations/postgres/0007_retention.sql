-- Retention (八(五)): records are kept at least five years, and nothing in the application deletes
-- them. Earlier migrations protect the query log, comparisons, seal versions, the audit trail,
-- reviews, hand-overs, liaison slips and monthly reports; these add the rest of the record:
-- annotations of comparisons, the images they rest on, and the account requests (附件五).
CREATE TRIGGER comparison_note_no_change BEFORE UPDATE OR DELETE ON comparison_note
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
CREATE TRIGGER image_blob_no_change BEFORE UPDATE OR DELETE ON image_blob
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
CREATE TRIGGER account_request_no_delete BEFORE DELETE ON account_request
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER account_request_event_no_change BEFORE UPDATE OR DELETE ON account_request_event
    FOR EACH ROW EXECUTE FUNCTION yinjian_refuse_change();
-- TRUNCATE skips row triggers: refuse it on every record table
CREATE TRIGGER comparison_note_no_truncate BEFORE TRUNCATE ON comparison_note
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER image_blob_no_truncate BEFORE TRUNCATE ON image_blob
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER account_request_no_truncate BEFORE TRUNCATE ON account_request
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER account_request_event_no_truncate BEFORE TRUNCATE ON account_request_event
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER comparison_no_truncate BEFORE TRUNCATE ON comparison
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER seal_query_no_truncate BEFORE TRUNCATE ON seal_query
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
CREATE TRIGGER seal_version_no_truncate BEFORE TRUNCATE ON seal_version
    FOR EACH STATEMENT EXECUTE FUNCTION yinjian_refuse_delete();
