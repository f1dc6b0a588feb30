#!/usr/bin/env bash
# Fuzzes the inputs nobody controls (fuzz/fuzz_targets/): a case's JSON through
# parsing and `check`, a policy file through loading and validation, the order
# CSV import, the portal's URL fragments and handed-over drafts.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...] (default 600 s, every
# target). Needs the nightly toolchain; installs cargo-fuzz when missing. Starts
# from fuzz/seeds/TARGET and the corpus kept in fuzz/corpus/TARGET; a crash is
# copied to fuzz/regressions/TARGET/ (which the ordinary tests run: commit it
# with the fix) and the script fails. Prints executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
(( ${#TARGETS[@]} )) || TARGETS=(case policy order_csv portal_link)
rustup toolchain list | grep -q '^nightly' || { echo "scripts/fuzz.sh needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cd fuzz
cargo +nightly fuzz build -O
summary=()
failed=0
for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target" "regressions/$target"
  log="$(mktemp)"
  status=0
  cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  crashes=0
  for found in artifacts/"$target"/crash-* artifacts/"$target"/timeout-* artifacts/"$target"/oom-*; do
    [[ -e "$found" ]] || continue
    cp "$found" "regressions/$target/"
    crashes=$((crashes + 1))
  done
  if (( status != 0 || crashes > 0 )); then
    failed=1
    tail -n 40 "$log" >&2
  fi
  summary+=("$(printf '%-12s %6ss %12s executions %3s findings' "$target" "$SECONDS_PER_TARGET" "${runs:-?}" "$crashes")")
  rm -f "$log"
done
printf '%s\n' "${summary[@]}"
exit "$failed"
