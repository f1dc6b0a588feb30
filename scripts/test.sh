#!/usr/bin/env bash
# Runs every check of the project, as CI does (.ci/run calls this):
# format, lints, all Rust tests (server on SQLite and PostgreSQL, kill -9 and
# backups included), the engine's WASM build, API fuzzing (schemathesis), a short
# cargo fuzz run per target, the portal's release build with its size report, and the
# browser tests (three engines among them).
# Installs whatever is missing first (scripts/setup-tools.sh); skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# One build from scratch: incremental state would only add gigabytes of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Each step names the disk left, so a full disk shows where it filled.
step() { printf '\n==> %s (disk free: %s)\n' "$*" "$(df -h --output=avail . | tail -n 1 | tr -d ' ')"; }

step "Tools"
bash scripts/setup-tools.sh
eval "$(bash scripts/setup-tools.sh --print-env)"

step "Format (rustfmt, and leptosfmt for view! macros)"
cargo fmt --all -- --check
leptosfmt --check src

step "Lints (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Lints (portal, engine and contract for wasm32)"
cargo clippy -p aftersales-portal -p aftersales-rules -p aftersales-contract --lib --bins --target wasm32-unknown-unknown --locked -- -D warnings

step "Rust tests (engine, portal)"
cargo test --workspace --exclude aftersales-server --locked

step "Engine and contract build for wasm32 without CLI or test dependencies"
cargo build -p aftersales-rules -p aftersales-contract --lib --target wasm32-unknown-unknown --locked

step "Server tests (black-box HTTP) on SQLite, then PostgreSQL"
bash scripts/test-server.sh

step "API fuzzing: schemathesis, every check, 60 s, against the real server"
bash scripts/schemathesis.sh 60

step "Fuzzing, the short run: 20 s per target (scripts/fuzz.sh 600 is the long one)"
bash scripts/fuzz.sh 20

step "Portal release build (prints raw/gzip/brotli sizes)"
SKIP_SETUP=1 bash scripts/build-portal.sh

step "Browser tests (headless Chromium)"
bash tests/e2e/run.sh

echo
echo "Disk used by the builds: $(du -sh target fuzz/target 2>/dev/null | awk '{print $2 " " $1}' | paste -sd ',' | sed 's/,/, /g')"
echo "All checks passed."
