#!/usr/bin/env bash
# Builds and starts the whole product on this machine: the portal (release WASM in
# dist/) served by the backend on http://127.0.0.1:8080, with a SQLite database
# (aftersales.db) that is created, migrated and filled with demo orders on first start,
# and a demo store's page on a second origin, http://localhost:8081/, with the portal
# embedded (docs/embedding.md). Installs whatever is missing first. Extra arguments
# go to `aftersales-server serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-tools.sh
eval "$(bash scripts/setup-tools.sh --print-env)"
SKIP_SETUP=1 bash scripts/build-portal.sh
cargo build --release --locked -p aftersales-server
PORT="${PORT:-8080}"
SHOP_PORT="${SHOP_PORT:-8081}"
target/release/aftersales-server demo-shop --shop-port "$SHOP_PORT" \
  --portal "http://127.0.0.1:$PORT/" &
shop=$!
trap 'kill "$shop" 2>/dev/null || true' EXIT
echo "[run] the portal: http://127.0.0.1:$PORT/  a store's page embedding it: http://localhost:$SHOP_PORT/"
ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://localhost:$SHOP_PORT}" PORT="$PORT" \
  target/release/aftersales-server serve --static-dir dist --policy public/policy.json "$@"
