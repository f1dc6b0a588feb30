#!/usr/bin/env bash
# Runs the browser tests (every *.test.mjs here: portal, offline, requests; soak.mjs,
# the outbox soak, is run by hand: node soak.mjs [N])
# against an existing build in dist/ (build first with scripts/build-portal.sh; this
# script builds only the server binary it drives). Screenshots go to tests/e2e/artifacts/.
# Env: PORTAL_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[[ -d node_modules/playwright-core ]] || { echo "run scripts/setup-tools.sh first (npm ci in tests/e2e)" >&2; exit 1; }
# The tests drive the real server (dist/ + API); build it if needed (a no-op when
# the server tests already built it).
(cd ../.. && cargo build -q -p aftersales-server --locked)
shopt -s nullglob
tests=(*.test.mjs)
(( ${#tests[@]} )) || { echo "no *.test.mjs in $(pwd)" >&2; exit 1; }
exec node --test --test-concurrency=1 --test-reporter=spec "$@" "${tests[@]}"
