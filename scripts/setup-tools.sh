#!/usr/bin/env bash
# Installs what building and browser-testing the portal needs, on a Debian machine
# (run as root, or with sudo available). Idempotent: every step checks first and is
# skipped when the right version is already there. Works unattended (CI=true, no stdin).
#
#   scripts/setup-tools.sh               install what is missing
#   scripts/setup-tools.sh --print-env   only print the PATH export for callers:
#                                        eval "$(scripts/setup-tools.sh --print-env)"
#
# Tools:
#   - rustup target wasm32-unknown-unknown
#   - trunk 0.21.14 (cargo install --locked)
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   - leptosfmt 0.1.33 (cargo install --locked): formats the `view!` macros
#   - wasm-split-cli 0.2.4 (crate wasm_split_cli_support, --locked): splits the
#     self-check's WASM into its parts (scripts/split-wasm.mjs)
#   - wasm-opt from the npm package `binaryen` (Debian's binaryen is too old for
#     current Rust WASM output), installed with the browser tests' node packages
#     into tests/e2e/node_modules (git-ignored) and put first on PATH
#   - Debian chromium + chromium-driver, firefox-esr, webkit2gtk-driver (WebKitWebDriver
#     and WebKitGTK's MiniBrowser) with xvfb + xauth (the three engines' test), a CJK font (fonts-noto-cjk) for screenshots,
#     brotli (for size reports), sqlite3 (the requests e2e tests count the server's rows)
#   - node packages of tests/e2e (npm ci from the committed package-lock.json)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
WASM_SPLIT_VERSION="0.2.4"
LEPTOSFMT_VERSION="0.1.33"
E2E_DIR="$ROOT/tests/e2e"
WASM_OPT_BIN="$E2E_DIR/node_modules/binaryen/bin"

print_env() {
  printf 'export PATH="%s:%s:$PATH"\n' "$WASM_OPT_BIN" "${CARGO_HOME:-$HOME/.cargo}/bin"
}

if [[ "${1:-}" == "--print-env" ]]; then
  print_env
  exit 0
fi

export PATH="$WASM_OPT_BIN:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

say() { printf '[setup-tools] %s\n' "$*"; }
die() { printf '[setup-tools] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Another process on this machine may be installing the same tool right now
# (a shared build box); wait for it instead of starting a second build.
wait_for_other_install() {
  local crate="$1" waited=0
  while pgrep -f "cargo install .*${crate}( |$)" >/dev/null 2>&1; do
    if (( waited == 0 )); then say "another 'cargo install ${crate}' is running; waiting for it"; fi
    sleep 10
    waited=$((waited + 10))
    if (( waited > 3600 )); then die "gave up waiting for the other ${crate} install"; fi
  done
}

APT_UPDATED=0
apt_install() {
  if (( APT_UPDATED == 0 )); then
    say "apt-get update"
    as_root apt-get update -q
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root apt-get install -y -q --no-install-recommends "$@"
}

# --- Rust toolchain -------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup first"
command -v rustup >/dev/null 2>&1 || die "rustup not found: the wasm32 target is added with rustup"

if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "ok: rust target wasm32-unknown-unknown"
else
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- Trunk ------------------------------------------------------------------------
trunk_ok() { command -v trunk >/dev/null 2>&1 && trunk --version 2>/dev/null | grep -qx "trunk ${TRUNK_VERSION}"; }
if ! trunk_ok; then wait_for_other_install trunk; fi
if trunk_ok; then
  say "ok: trunk ${TRUNK_VERSION}"
else
  say "cargo install --locked trunk --version ${TRUNK_VERSION}"
  cargo install --locked trunk --version "${TRUNK_VERSION}"
  trunk_ok || die "trunk ${TRUNK_VERSION} not on PATH after install"
fi

# --- wasm-bindgen-cli (must equal the wasm-bindgen library in Cargo.lock) ---------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
[[ -n "$WB_VERSION" ]] || die "no wasm-bindgen in Cargo.lock"
wb_ok() { command -v wasm-bindgen >/dev/null 2>&1 && wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen ${WB_VERSION}"; }
if ! wb_ok; then wait_for_other_install wasm-bindgen-cli; fi
if wb_ok; then
  say "ok: wasm-bindgen ${WB_VERSION}"
else
  say "cargo install wasm-bindgen-cli --version =${WB_VERSION}"
  cargo install wasm-bindgen-cli --version "=${WB_VERSION}"
  wb_ok || die "wasm-bindgen ${WB_VERSION} not on PATH after install"
fi

# --- leptosfmt (the format check of view! macros) ------------------------------------
leptosfmt_ok() { command -v leptosfmt >/dev/null 2>&1 && leptosfmt --version 2>/dev/null | grep -q " ${LEPTOSFMT_VERSION}$"; }
if ! leptosfmt_ok; then wait_for_other_install leptosfmt; fi
if leptosfmt_ok; then
  say "ok: leptosfmt ${LEPTOSFMT_VERSION}"
else
  say "cargo install --locked leptosfmt --version ${LEPTOSFMT_VERSION}"
  cargo install --locked leptosfmt --version "${LEPTOSFMT_VERSION}"
  leptosfmt_ok || die "leptosfmt ${LEPTOSFMT_VERSION} not on PATH after install"
fi

# --- wasm-split-cli (the self-check's WASM in parts) ---------------------------------
# It prints no version: the one installed is asked of cargo's install record.
split_ok() { command -v wasm-split-cli >/dev/null 2>&1 && cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v${WASM_SPLIT_VERSION}:"; }
if ! split_ok; then wait_for_other_install wasm_split_cli_support; fi
if split_ok; then
  say "ok: wasm-split-cli ${WASM_SPLIT_VERSION}"
else
  say "cargo install --locked wasm_split_cli_support --version ${WASM_SPLIT_VERSION} --features build-binary"
  cargo install --locked wasm_split_cli_support --version "${WASM_SPLIT_VERSION}" --features build-binary
  split_ok || die "wasm-split-cli ${WASM_SPLIT_VERSION} not on PATH after install"
fi

# --- Debian packages: the three browser engines, brotli, node ----------------------
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
[[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
command -v brotli >/dev/null 2>&1 || missing+=(brotli)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
# A CJK font, or the Chinese UI renders as boxes in headless screenshots.
[[ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]] || missing+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if (( ${#missing[@]} > 0 )); then
  apt_install "${missing[@]}"
else
  say "ok: chromium, chromium-driver, firefox-esr, webkit2gtk-driver, xvfb, brotli, sqlite3, a CJK font, node, npm"
fi

# --- node packages of tests/e2e (playwright-core, axe-core, binaryen's wasm-opt) ----
# `npm ci` reinstalls from scratch, so it only runs when the lock file changed
# since the last install. Never `npx playwright install`: tests use /usr/bin/chromium.
stamp="$E2E_DIR/node_modules/.package-lock.json"
if [[ -f "$stamp" && "$stamp" -nt "$E2E_DIR/package-lock.json" && -x "$WASM_OPT_BIN/wasm-opt" ]]; then
  say "ok: tests/e2e node packages"
else
  say "npm ci in tests/e2e"
  (cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
[[ "$(command -v wasm-opt)" == "$WASM_OPT_BIN/wasm-opt" ]] || die "wasm-opt on PATH is not binaryen's npm build"
[[ "$wasm_opt_version" =~ version\ ([0-9]+) ]] || die "wasm-opt --version failed"
(( BASH_REMATCH[1] >= 116 )) || die "wasm-opt ${BASH_REMATCH[1]} is too old (need >= 116)"
say "ok: ${wasm_opt_version} ($WASM_OPT_BIN)"

say "done. Callers put the tools on PATH with:"
print_env
