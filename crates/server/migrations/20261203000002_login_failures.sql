-- Failed staff sign-ins, per account name ('account:NAME', whether or not the
-- account exists) and per client ('client:ADDRESS'), for slowing down and
-- locking (crate::domain::lockout). Rows older than the window are pruned.
CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX login_failures_by_subject ON login_failures (subject, at);
