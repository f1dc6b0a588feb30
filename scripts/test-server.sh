#!/usr/bin/env bash
# Runs the backend's test suite on SQLite, then on PostgreSQL.
#
#   scripts/test-server.sh            # from the repository root (or anywhere)
#
# PostgreSQL: when TEST_DATABASE_URL is already set (e.g. a CI service), it is
# used as is. Otherwise a throw-away cluster is created in a temporary directory
# with Debian's PostgreSQL (installed with apt-get if missing), started on a free
# local port, and removed afterwards. Works as root (the server runs as the
# `postgres` user) or as an ordinary user; needs no stdin (CI=true is fine).
# Extra arguments are passed to `cargo test` (e.g. a test name filter).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '\n==> %s\n' "$*" >&2; }

log "aftersales-server tests on SQLite"
env -u TEST_DATABASE_URL cargo test -p aftersales-server "$@"

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    log "aftersales-server tests on PostgreSQL at the given TEST_DATABASE_URL"
    cargo test -p aftersales-server "$@"
    exit 0
fi

# shellcheck source=throwaway-postgres.sh
source scripts/throwaway-postgres.sh
# fsync is off for speed: these tests check behaviour, not crash safety.
start_throwaway_postgres -c max_connections=300 -c fsync=off -c full_page_writes=off

log "aftersales-server tests on PostgreSQL"
TEST_DATABASE_URL="$PG_URL" cargo test -p aftersales-server "$@"
log "both databases passed"
