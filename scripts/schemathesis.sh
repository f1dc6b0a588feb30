#!/usr/bin/env bash
# Schemathesis (pinned below, installed into target/tools/ when missing) with every
# check against the real server: its own /api/openapi.json, a fresh SQLite
# database with the demo orders, and a staff session for the staff operations.
# Signing out is fuzzed in a second, shorter pass, so the first keeps its session.
# Fails on any failure. Usage: scripts/schemathesis.sh [SECONDS] (default 60; the
# test suite runs the default). Settings: tests/schemathesis/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
SECONDS_FOR_ALL="${1:-60}"
VENV=target/tools/schemathesis-$VERSION
ST="$VENV/bin/st"
# Python 3.12 or newer where there is one: 3.11's parser can fail inside
# Hypothesis while it describes deeply nested JSON strategies.
pick_python() {
  local v p
  for v in 3.13 3.12; do
    if "python$v" -c '' 2>/dev/null; then echo "python$v"; return; fi
    if command -v pyenv >/dev/null; then
      p="$(pyenv root)/versions/$(pyenv versions --bare 2>/dev/null | grep "^$v" | tail -n 1)/bin/python3"
      if [[ -x "$p" ]]; then echo "$p"; return; fi
    fi
  done
  echo python3
}
if ! "$ST" --version 2>/dev/null | grep -q " $VERSION\$"; then
  PYTHON=$(pick_python)
  echo "installing schemathesis $VERSION into $VENV ($($PYTHON --version))"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
cargo build -q -p aftersales-server --locked
SERVER="${CARGO_TARGET_DIR:-target}/debug/aftersales-server"

TMP=$(mktemp -d)
PID=
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export DATABASE_URL="sqlite://$TMP/schemathesis.db"
"$SERVER" serve --port "$PORT" --static-dir "$TMP" --lookup-rate-per-minute 1000000 \
  >"$TMP/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
PASSWORD="schemathesis-$RANDOM-$RANDOM"
# Every role, so that Schemathesis's valid moves are allowed (403 is documented too).
printf '%s\n' "$PASSWORD" | "$SERVER" add-staff fuzzer \
  --role front_desk,service_centre,technician,store_manager,operations_head,general_manager,finance,admin >/dev/null
TOKEN=$(curl -fs -X POST -H 'content-type: application/json' \
  -d "{\"username\":\"fuzzer\",\"password\":\"$PASSWORD\"}" "$BASE/api/staff/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

PHASES=()
if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  # Without a newer Python, the coverage phase (where 3.11 failed) is left out.
  echo "schemathesis: $("$VENV/bin/python" --version) only; running without the coverage phase" >&2
  PHASES=(--phases examples,fuzzing,stateful)
fi
run() {
  "$ST" --config-file tests/schemathesis/schemathesis.toml run "$BASE/api/openapi.json" \
    --checks all --workers 2 --generation-database none "${PHASES[@]}" \
    -H "Authorization: Bearer $TOKEN" "$@"
}
status=0
# Signing out (the scripts' logout and the console's DELETE session) ends the
# fuzzer's own session: last, alone, or every staff operation after it answers 401.
SIGN_OUT='^(POST /api/staff/logout|DELETE /api/staff/session)$'
run --max-time "$SECONDS_FOR_ALL" --exclude-name-regex "$SIGN_OUT" || status=$?
run --max-time 10 --include-name-regex "$SIGN_OUT" || status=$?
if (( status != 0 )); then
  echo "schemathesis found failures; the server's log: $TMP/server.log" >&2
  tail -n 20 "$TMP/server.log" >&2
fi
exit "$status"
