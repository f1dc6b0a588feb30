-- The dashboard's counts kept per store day (days since 1970-01-01 in the
-- store's time) as requests are filed and service levels met, so a report over
-- two years reads a few thousand rows instead of every request: at a million
-- requests, counting them by index took seconds on SQLite. A database whose
-- requests predate these tables gets them filled at start-up
-- (crate::store::reports::fill_days).

-- Requests received per day, by type, by outcome and by clause (`dimension`),
-- `id` being the type, outcome or clause id ('' for none).
CREATE TABLE report_days (
    day BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    id TEXT NOT NULL,
    received BIGINT NOT NULL,
    PRIMARY KEY (day, dimension, id)
);

-- Service levels met, per day the request was received and level: by their due
-- instant (or with none set) or after it. Those not met are counted live.
CREATE TABLE report_level_days (
    day BIGINT NOT NULL,
    what TEXT NOT NULL,
    on_time BIGINT NOT NULL,
    late BIGINT NOT NULL,
    PRIMARY KEY (day, what)
);

-- The request's receipt on each service level, so the levels not yet met in a
-- range are read from one partial index without joining every request.
ALTER TABLE service_levels ADD COLUMN received_at BIGINT NOT NULL DEFAULT 0;
UPDATE service_levels SET received_at =
    (SELECT r.received_at FROM requests r WHERE r.id = service_levels.request_id);
CREATE INDEX service_levels_unmet ON service_levels (received_at, what, due_at)
    WHERE met_at IS NULL;

-- The time to close is read per type (a median each): closed requests by type,
-- then by when they ended.
DROP INDEX requests_by_end;
CREATE INDEX requests_by_end ON requests (status, request_type, ended_at, received_at);

-- Replaced by the tables above.
DROP INDEX service_levels_report;
DROP INDEX requests_report;
