#!/usr/bin/env bash
# Builds the portal for release into dist/ (index.html, JS, WASM, CSS, policy.json,
# manifest.webmanifest, icons/, and sw.js, the service worker that Trunk's post_build
# hook writes with scripts/gen-sw.mjs), then prints the size of every file raw / gzip /
# brotli and fails above the first-load budget (scripts/bundle-size.sh).
#
#   scripts/build-portal.sh              set up missing tools, then build
#   SKIP_SETUP=1 scripts/build-portal.sh build only (tools already installed)
#
# Release settings: Cargo profile `wasm-release` (root Cargo.toml: opt-level "z",
# lto, codegen-units 1, panic abort), selected in index.html with
# data-cargo-profile-release; then wasm-opt -Oz (data-wasm-opt="z") with binaryen's
# npm build, which scripts/setup-tools.sh puts first on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${SKIP_SETUP:-0}" != "1" ]]; then
  scripts/setup-tools.sh
fi
eval "$(scripts/setup-tools.sh --print-env)"

echo "[build-portal] $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version)"
echo "[build-portal] trunk build --release --locked"
trunk build --release --locked

for f in index.html policy.json manifest.webmanifest sw.js icons/icon.svg; do
  [[ -f "dist/$f" ]] || { echo "[build-portal] error: dist/$f missing" >&2; exit 1; }
done
compgen -G "dist/*.wasm" >/dev/null || { echo "[build-portal] error: no .wasm in dist/" >&2; exit 1; }
grep -qF "$(basename dist/*.wasm)" dist/sw.js || { echo "[build-portal] error: dist/sw.js does not precache this build's .wasm" >&2; exit 1; }

scripts/bundle-size.sh dist
