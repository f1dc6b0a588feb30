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

# shellcheck source=throwaway-postgres.sh
source scripts/throwaway-postgres.sh
# fsync off only speeds up the fill; the reads timed do not write. shared_buffers
# a little above the default 128 MB, as a small production server would have.
start_throwaway_postgres -c fsync=off -c full_page_writes=off -c shared_buffers=256MB

log "queue at scale on PostgreSQL ($REQUESTS requests)"
BENCH_DATABASE_URL="$PG_URL" bench
