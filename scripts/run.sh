#!/usr/bin/env bash
# Builds and starts the whole product on this machine: the portal (release WASM in
# dist/) served by the backend on http://127.0.0.1:8080, with a SQLite database
# (aftersales.db) that is created, migrated and filled with demo orders on first start,
# and a demo store's page on a second origin, http://localhost:8081/, with the portal
# embedded (docs/embedding.md), and demo staff accounts for the staff console
# (staff.html, docs/staff.md). Installs whatever is missing first. Extra arguments
# go to `aftersales-server serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-tools.sh
eval "$(bash scripts/setup-tools.sh --print-env)"
SKIP_SETUP=1 bash scripts/build-portal.sh
cargo build --release --locked -p aftersales-server
# Demo staff accounts for the console (docs/staff.md), one per role of the procedure,
# all with the password "demo password" (re-running resets it): never on a real store.
DATABASE_URL="${DATABASE_URL:-sqlite://aftersales.db}"
export DATABASE_URL
for account in desk:front_desk centre:service_centre technician:technician \
  manager:store_manager head:operations_head gm:general_manager finance:finance admin:admin; do
  printf 'demo password\n' | target/release/aftersales-server add-staff "${account%%:*}" \
    --role "${account#*:}" >/dev/null
done
PORT="${PORT:-8080}"
SHOP_PORT="${SHOP_PORT:-8081}"
target/release/aftersales-server demo-shop --shop-port "$SHOP_PORT" \
  --portal "http://127.0.0.1:$PORT/" &
shop=$!
trap 'kill "$shop" 2>/dev/null || true' EXIT
echo "[run] the portal: http://127.0.0.1:$PORT/  a store's page embedding it: http://localhost:$SHOP_PORT/"
echo "[run] the staff console: http://127.0.0.1:$PORT/staff.html (desk, centre, technician, manager, head, gm, finance, admin; password: demo password)"
ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://localhost:$SHOP_PORT}" PORT="$PORT" \
  target/release/aftersales-server serve --static-dir dist --policy public/policy.json "$@"
