#!/usr/bin/env bash
# Builds the portal for release into dist/: the self-check (index.html, its JS, WASM,
# CSS, policy.json, store.json, manifest.webmanifest, icons/) and the requests app
# (requests.html and its own JS/WASM/CSS: filing, outbox, tracking; built into
# dist-requests/ and merged into dist/), paints the start page into index.html
# (src/bin/aftersales-first-paint.rs), then writes sw.js, the service worker that
# precaches both (scripts/gen-sw.mjs, again after the merge), prints the size of every
# file raw / gzip / brotli and fails above the self-check's first-load budget
# (scripts/bundle-size.sh; the requests app is loaded on demand, outside it).
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

# Panic locations name source files; without the machine's own prefixes (the
# registry under CARGO_HOME, this checkout) they are shorter and the same on every
# machine: 0.3 KB brotli of the self-check. .cargo/config.toml's flags for the
# target are repeated here, as this variable takes their place.
wasm_flags=(--cfg erase_components "--remap-path-prefix=$ROOT/=")
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  [[ -d "$registry" ]] && wasm_flags+=("--remap-path-prefix=$registry=")
done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${wasm_flags[*]}"

echo "[build-portal] $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version)"
echo "[build-portal] trunk build --release --locked (index.html: the self-check)"
trunk build --release --locked
# An app in parts fetched on demand (src/ui/part.rs): its bin built again with
# its split points (`aftersales_split`) and the relocations the split needs (only
# the bin and its link differ from Trunk's build; wasm-opt cannot optimise a WASM
# that keeps relocations), then cut by scripts/split-wasm.mjs.
split_app() {
  local bin="$1" dist="$2"
  shift 2
  echo "[build-portal] split-wasm.mjs $bin ($dist)"
  cargo rustc -q --locked --profile wasm-release --target wasm32-unknown-unknown -p aftersales-portal --bin "$bin" -- --cfg aftersales_split -C link-args=--emit-relocs
  node scripts/split-wasm.mjs "target/wasm32-unknown-unknown/wasm-release/$bin.wasm" "$dist" index.html "$@"
}
# The self-check: the start page first, the steps once it shows (at once on a
# link into a step).
split_app aftersales-portal dist 'steps=^#/(?!requests)[a-z]'
echo "[build-portal] trunk build requests.html --release --dist dist-requests --locked (the requests app)"
trunk build requests.html --release --dist dist-requests --locked
# The requests app: its core (the shell, the outbox) and each page on demand.
split_app aftersales-requests dist-requests 'mine=^#?/?$' 'file=^#/file/' 'entry=^#/o/' 'track=^#/r/'

# Merge the requests app into dist/: its document (Trunk writes every target as
# index.html) as requests.html, and its hashed JS/WASM/CSS; the copied public files
# are the same bytes as the self-check's, and its sw.js is replaced below.
[[ -f dist-requests/index.html ]] || { echo "[build-portal] error: dist-requests/index.html missing" >&2; exit 1; }
cp dist-requests/index.html dist/requests.html
(cd dist-requests && find . -type f -not -path './.*' -not -name sw.js -not -name index.html -print0) |
  while IFS= read -r -d '' f; do
    mkdir -p "dist/$(dirname "$f")"
    cp "dist-requests/$f" "dist/$f"
  done
rm -rf dist-requests
# The kiosk app (docs/kiosk.md): its document is only a build entry; its module
# script becomes dist/kiosk.js, which a page in kiosk mode loads (browser::kiosk).
echo "[build-portal] trunk build kiosk.html --release --dist dist-kiosk --locked (the kiosk app)"
trunk build kiosk.html --release --dist dist-kiosk --locked
[[ -f dist-kiosk/index.html ]] || { echo "[build-portal] error: dist-kiosk/index.html missing" >&2; exit 1; }
node -e '
  const html = require("fs").readFileSync("dist-kiosk/index.html", "utf8");
  const m = html.match(/<script type="?module"?>([\s\S]*?)<\/script>/);
  if (!m) { console.error("[build-portal] error: no module script in dist-kiosk/index.html"); process.exit(1); }
  require("fs").writeFileSync("dist/kiosk.js", m[1].trim() + "\n");
'
for f in dist-kiosk/aftersales-kiosk-* dist-kiosk/kiosk.css; do cp "$f" dist/; done
rm -rf dist-kiosk
# The staff console (src/staff): the store's app, merged as staff.html with its own
# hashed JS/WASM/CSS; gen-sw.mjs leaves it out of every precache.
echo "[build-portal] trunk build staff.html --release --dist dist-staff --locked (the staff console)"
trunk build staff.html --release --dist dist-staff --locked
[[ -f dist-staff/index.html ]] || { echo "[build-portal] error: dist-staff/index.html missing" >&2; exit 1; }
cp dist-staff/index.html dist/staff.html
for f in dist-staff/aftersales-staff-* dist-staff/staff-*.css; do cp "$f" dist/; done
rm -rf dist-staff
# The start page painted into index.html at build time, in both languages, by the
# same components as the live page (a native bin of the portal crate), so the first
# page shows before the WASM arrives.
echo "[build-portal] aftersales-first-paint dist (the start page into index.html)"
cargo run -q --locked -p aftersales-portal --bin aftersales-first-paint -- dist
# Trunk's minifier gives up on wasm-bindgen's glue: terser minifies it (and the
# pages' integrity hashes follow).
node scripts/minify-glue.mjs dist
# The service worker precaches both apps: written after the merge.
node scripts/gen-sw.mjs dist

for f in index.html requests.html staff.html kiosk.js kiosk.css policy.json manifest.webmanifest sw.js icons/icon.svg; do
  [[ -f "dist/$f" ]] || { echo "[build-portal] error: dist/$f missing" >&2; exit 1; }
done
for app in aftersales-portal aftersales-requests aftersales-kiosk; do
  wasm=$(compgen -G "dist/$app-*.wasm" | head -n1) || { echo "[build-portal] error: no $app .wasm in dist/" >&2; exit 1; }
  grep -qF "$(basename "$wasm")" dist/sw.js || { echo "[build-portal] error: dist/sw.js does not precache $(basename "$wasm")" >&2; exit 1; }
done
if grep -qE 'staff\.html|aftersales-staff-' dist/sw.js; then
  echo "[build-portal] error: dist/sw.js precaches the staff console" >&2; exit 1
fi

scripts/bundle-size.sh dist
