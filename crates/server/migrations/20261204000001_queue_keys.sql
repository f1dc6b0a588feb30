-- What the staff queue filters, sorts and searches on, in columns with indexes
-- (crate::domain::queue_keys), so a queue of years of requests answers from an
-- index instead of reading every decision's JSON. The server writes them with
-- every request and every change; rows filed before they existed have
-- `keyed = 0` and are filled at start-up (crate::store::queue::fill_keys).
ALTER TABLE requests ADD COLUMN outcome TEXT;
ALTER TABLE requests ADD COLUMN clause TEXT;
-- The contact's phone in aftersales_contract::Phone's canonical form.
ALTER TABLE requests ADD COLUMN phone TEXT;
-- The aftersales_rules::StaffRole of the next step; NULL on an open request
-- whose steps are all done (it waits for someone who may close it).
ALTER TABLE requests ADD COLUMN next_role TEXT;
-- The earliest unmet service level that has a due instant, and that instant;
-- due_sort is 9223372036854775807 when nothing is due, so it sorts last on
-- both databases.
ALTER TABLE requests ADD COLUMN next_due_what TEXT;
ALTER TABLE requests ADD COLUMN due_sort BIGINT NOT NULL DEFAULT 9223372036854775807;
-- When the request was closed or rejected.
ALTER TABLE requests ADD COLUMN ended_at BIGINT;
ALTER TABLE requests ADD COLUMN keyed BIGINT NOT NULL DEFAULT 0;

CREATE INDEX requests_by_due ON requests (status, due_sort);
CREATE INDEX requests_by_update ON requests (status, updated_at);
CREATE INDEX requests_by_order ON requests (order_number);
CREATE INDEX requests_by_tracking ON requests (tracking_code);
CREATE INDEX requests_by_phone ON requests (phone);
CREATE INDEX requests_unkeyed ON requests (keyed);

-- Notes staff keep for each other, never shown to the customer.
CREATE TABLE internal_notes (
    request_id TEXT NOT NULL REFERENCES requests (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

-- The reports, each read from an index alone (a table row is ~1 KB of JSON: at
-- a million requests, fetching one per request counted took seconds): requests
-- by received time with what they are counted by; closed requests by when they
-- ended, with what the time to close needs; the service levels of a request,
-- joined by id from requests_by_received; feedback by when given, with its rating.
CREATE INDEX requests_report ON requests (received_at, request_type, outcome, clause);
CREATE INDEX requests_by_end ON requests (status, ended_at, request_type, received_at);
DROP INDEX requests_by_received;
CREATE INDEX requests_by_received ON requests (received_at, id);
CREATE INDEX service_levels_report ON service_levels (request_id, what, due_at, met_at);
CREATE INDEX feedback_by_time ON feedback (created_at, rating);
