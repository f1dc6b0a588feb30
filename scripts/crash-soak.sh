#!/usr/bin/env bash
# The kill -9 test at length: the real server binary killed with SIGKILL ROUNDS
# times (default 200) at random moments while 8 clients file and retry, on SQLite
# and then on a throw-away PostgreSQL (scripts/test-server.sh starts it). Prints
# the requests acknowledged, resent, lost, duplicated and altered per database.
# The test suite runs the same test with 12 rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
CRASH_ROUNDS="${1:-200}" bash scripts/test-server.sh --test api durability::killed -- --nocapture 2>&1 |
    grep -E '^kill -9 on|^test result: [a-zA-Z]+\. [1-9]|panicked|FAILED'
