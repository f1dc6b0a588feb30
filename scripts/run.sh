#!/usr/bin/env bash
# Builds and starts the whole product on this machine: the portal (release WASM in
# dist/) served by the backend on http://127.0.0.1:8080, with a SQLite database
# (aftersales.db) that is created, migrated and filled with demo orders on first start.
# Installs whatever is missing first. Extra arguments go to `aftersales-server serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-tools.sh
eval "$(bash scripts/setup-tools.sh --print-env)"
SKIP_SETUP=1 bash scripts/build-portal.sh
cargo build --release --locked -p aftersales-server
exec target/release/aftersales-server serve --static-dir dist --policy public/policy.json "$@"
