#!/usr/bin/env bash
# Runs the browser tests (every *.test.mjs here: portal, offline, requests, embed,
# kiosk, first paint, and engines: the customer flows in Chromium, Firefox and WebKit), then the
# outbox soak (soak.mjs: 500 requests behind a connection-cutting proxy, 0 lost and 0
# duplicated, about 3 minutes; SKIP_SOAK=1 skips it, SOAK_REQUESTS=N resizes it)
# against an existing build in dist/ (build first with scripts/build-portal.sh; this
# script builds only the server binary it drives). Screenshots go to tests/e2e/artifacts/.
# Env: PORTAL_DIST (default dist/; lib/backend.mjs), CHROMIUM (default
# /usr/bin/chromium; lib/browser.mjs), CARGO_TARGET_DIR (where the server is built).
# The shared helpers (browser, server, axe, texts, self-check, requests) are in lib/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[[ -d node_modules/playwright-core ]] || { echo "run scripts/setup-tools.sh first (npm ci in tests/e2e)" >&2; exit 1; }
# The tests drive the real server (dist/ + API); build it if needed (a no-op when
# the server tests already built it).
(cd ../.. && cargo build -q -p aftersales-server --locked)
shopt -s nullglob
tests=(*.test.mjs)
(( ${#tests[@]} )) || { echo "no *.test.mjs in $(pwd)" >&2; exit 1; }
node --test --test-concurrency=1 --test-reporter=spec "$@" "${tests[@]}"
if [[ "${SKIP_SOAK:-0}" != "1" ]]; then
  node soak.mjs
fi
