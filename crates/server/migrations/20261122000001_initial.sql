-- One schema for SQLite and PostgreSQL: TEXT, BIGINT and BYTEA only; instants are
-- Unix seconds (BIGINT); JSON documents are TEXT.

CREATE TABLE orders (
    number TEXT PRIMARY KEY,
    -- Normalised (digits only, no +86): compared on lookup, never logged.
    phone TEXT NOT NULL,
    ordered_at TEXT NOT NULL,
    currency TEXT NOT NULL,
    fulfilment_state TEXT NOT NULL,
    fulfilment_at TEXT,
    is_demo BIGINT NOT NULL DEFAULT 0,
    imported_at BIGINT NOT NULL
);

CREATE TABLE order_lines (
    order_number TEXT NOT NULL REFERENCES orders (number) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    line_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    PRIMARY KEY (order_number, line_id)
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    tracking_code TEXT NOT NULL,
    -- SHA-256 of the canonical request body: the idempotency check.
    body_hash TEXT NOT NULL,
    order_number TEXT NOT NULL,
    request_type TEXT NOT NULL,
    status TEXT NOT NULL,
    step TEXT,
    flagged BIGINT NOT NULL,
    flags TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    evaluated_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    policy_version TEXT NOT NULL,
    decision TEXT NOT NULL,
    client_decision TEXT,
    filing TEXT NOT NULL,
    contact TEXT NOT NULL,
    description TEXT NOT NULL,
    attachment_count BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

CREATE INDEX requests_by_received ON requests (received_at);
CREATE INDEX requests_by_status ON requests (status, received_at);

-- Customer-visible status history.
CREATE TABLE request_history (
    request_id TEXT NOT NULL REFERENCES requests (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    step TEXT,
    note TEXT,
    actor TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

-- The decision's service levels; `due_at` is NULL until the event they count from.
CREATE TABLE service_levels (
    request_id TEXT NOT NULL REFERENCES requests (id),
    position BIGINT NOT NULL,
    what TEXT NOT NULL,
    after_event TEXT NOT NULL,
    within_minutes BIGINT NOT NULL,
    due_at BIGINT,
    met_at BIGINT,
    PRIMARY KEY (request_id, position)
);

CREATE INDEX service_levels_open ON service_levels (due_at);

CREATE TABLE attachments (
    request_id TEXT NOT NULL REFERENCES requests (id),
    seq BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, seq),
    UNIQUE (request_id, sha256)
);

CREATE TABLE feedback (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    rating BIGINT NOT NULL,
    comment TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE staff (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Bearer tokens are stored as SHA-256 hashes: a leaked table grants nothing.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES staff (username),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT,
    detail TEXT NOT NULL
);

CREATE INDEX audit_by_request ON audit_log (request_id, at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
