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

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

PG_BIN=$(pg_bin || true)
if [[ -z "$PG_BIN" ]]; then
    log "installing PostgreSQL (apt-get)"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo -n"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(pg_bin)
fi

# Run PostgreSQL commands as a non-root user: postgres refuses to run as root.
if [[ $(id -u) -eq 0 ]]; then
    as_pg() {
        if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    }
else
    as_pg() { "$@"; }
fi

PG_DIR=$(mktemp -d /tmp/aftersales-pg.XXXXXX)
[[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
PG_PORT=${PG_TEST_PORT:-54329}
while (echo >"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done

stop_pg() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_pg EXIT

log "starting PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$PG_PORT"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# fsync is off for speed: these tests check behaviour, not crash safety.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }

log "aftersales-server tests on PostgreSQL"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" cargo test -p aftersales-server "$@"
log "both databases passed"
