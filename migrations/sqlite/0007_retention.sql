-- Retention (八(五)): records are kept at least five years, and nothing in the application deletes
-- them. Earlier migrations protect the query log, comparisons, seal versions, the audit trail,
-- reviews, hand-overs, liaison slips and monthly reports; these add the rest of the record:
-- annotations of comparisons, the images they rest on, and the account requests (附件五).
CREATE TRIGGER comparison_note_no_update BEFORE UPDATE ON comparison_note
BEGIN
    SELECT RAISE(ABORT, 'comparison notes are never changed');
END;
CREATE TRIGGER comparison_note_no_delete BEFORE DELETE ON comparison_note
BEGIN
    SELECT RAISE(ABORT, 'comparison notes are never deleted');
END;
CREATE TRIGGER image_blob_no_update BEFORE UPDATE ON image_blob
BEGIN
    SELECT RAISE(ABORT, 'images are never changed');
END;
CREATE TRIGGER image_blob_no_delete BEFORE DELETE ON image_blob
BEGIN
    SELECT RAISE(ABORT, 'images are never deleted');
END;
CREATE TRIGGER account_request_no_delete BEFORE DELETE ON account_request
BEGIN
    SELECT RAISE(ABORT, 'account requests are never deleted');
END;
CREATE TRIGGER account_request_event_no_update BEFORE UPDATE ON account_request_event
BEGIN
    SELECT RAISE(ABORT, 'account request events are never changed');
END;
CREATE TRIGGER account_request_event_no_delete BEFORE DELETE ON account_request_event
BEGIN
    SELECT RAISE(ABORT, 'account request events are never deleted');
END;
