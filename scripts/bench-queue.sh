#!/usr/bin/env bash
# The staff queue and dashboard at scale (crates/server/benches/queue_scale.rs):
# fills a fresh database with N requests and times the queue, its filters, the
# search and the dashboard, on SQLite and then on PostgreSQL.
#
#   scripts/bench-queue.sh [--requests N] [--runs R] [--sqlite-only|--postgres-only]
#
# N defaults to 1,000,000. PostgreSQL: BENCH_DATABASE_URL if set (it must name
# an empty database), else a throw-away PostgreSQL cluster in a temporary
# directory, as scripts/test-server.sh starts one (Debian's PostgreSQL,
# installed with apt-get if missing; works as root or as an ordinary user).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '\n==> %s\n' "$*" >&2; }

REQUESTS=1000000
BENCH_ARGS=()
SQLITE=1
POSTGRES=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --requests) REQUESTS=$2; shift 2 ;;
        --runs) BENCH_ARGS+=(--runs "$2"); shift 2 ;;
        --sqlite-only) POSTGRES=0; shift ;;
        --postgres-only) SQLITE=0; shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
BENCH_ARGS+=(--requests "$REQUESTS")

# Built once, before anything is timed.
cargo bench -p aftersales-server --bench queue_scale --no-run

bench() { cargo bench -q -p aftersales-server --bench queue_scale -- "${BENCH_ARGS[@]}"; }

if [[ $SQLITE -eq 1 ]]; then
    log "queue at scale on SQLite ($REQUESTS requests)"
    (unset BENCH_DATABASE_URL; bench)
fi
[[ $POSTGRES -eq 1 ]] || exit 0

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    log "queue at scale on PostgreSQL at the given BENCH_DATABASE_URL ($REQUESTS requests)"
    bench
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
# fsync off only speeds up the fill; the reads timed do not write. shared_buffers
# a little above the default 128 MB, as a small production server would have.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=256MB" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }

log "queue at scale on PostgreSQL ($REQUESTS requests)"
BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" bench
