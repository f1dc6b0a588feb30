# Sourced, not run: `start_throwaway_postgres [-c name=value ...]` starts
# Debian's PostgreSQL (installed with apt-get if missing) in a temporary
# directory on a free local port, sets PG_URL to it, and removes it on exit.
# Works as root (the server runs as the `postgres` user) or as an ordinary
# user; needs no stdin. Needs a `log` function from the sourcing script.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

start_throwaway_postgres() {
    PG_BIN=$(pg_bin || true)
    if [[ -z "$PG_BIN" ]]; then
        log "installing PostgreSQL (apt-get)"
        local sudo=""
        [[ $(id -u) -ne 0 ]] && sudo="sudo -n"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq postgresql >/dev/null
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
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $*" >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; exit 1; }
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}
