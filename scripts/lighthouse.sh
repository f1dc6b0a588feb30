#!/usr/bin/env bash
# Lighthouse audit (mobile, Lighthouse's default form factor and throttling) of the
# built portal as production serves it: the real aftersales-server on a free port of
# 127.0.0.1 with a throw-away SQLite database, with Debian's Chromium.
#
#   scripts/lighthouse.sh [extra lighthouse flags]
#
# Builds nothing for the portal: expects dist/ (scripts/build-portal.sh). Uses
# target/release/aftersales-server (or $SERVER_BIN), built with cargo when missing.
# Installs npm `lighthouse` (version pinned in tests/lighthouse/package-lock.json)
# into tests/lighthouse/node_modules on first use. Writes the HTML and JSON reports
# to tests/lighthouse/reports/ (git-ignored) and prints, for the start page and a
# deep link, the four category scores, the timings and when the app was ready.
# Env: PORTAL_DIST (default dist), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LH_DIR="$ROOT/tests/lighthouse"
DIST="${PORTAL_DIST:-$ROOT/dist}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
SERVER_BIN="${SERVER_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/aftersales-server}"

say() { echo "[lighthouse] $*"; }
die() { echo "[lighthouse] error: $*" >&2; exit 1; }

[[ -f "$DIST/index.html" ]] || die "no built portal in $DIST: run scripts/build-portal.sh first"
[[ -x "$CHROMIUM" ]] || die "no Chromium at $CHROMIUM (scripts/setup-tools.sh installs Debian's)"

if [[ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]]; then
  say "npm ci in tests/lighthouse"
  (cd "$LH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ ! -x "$SERVER_BIN" ]]; then
  say "building the server: cargo build --release --locked -p aftersales-server"
  cargo build --release --locked -p aftersales-server
fi

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

say "starting $SERVER_BIN on 127.0.0.1:$PORT"
"$SERVER_BIN" serve --static-dir "$DIST" --policy public/policy.json \
  --database-url "sqlite://$TMP/lighthouse.db" --port "$PORT" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT/"
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "the server stopped"; }
  sleep 0.2
done

mkdir -p "$LH_DIR/reports"
STAMP="$(date +%Y%m%d-%H%M%S)"
# Two pages: the start page, and a deep link into a check (the hash never reaches
# the server, so both get the same index.html). Lighthouse's mobile settings (slow
# 4G: 150 ms, 1.6 Mbit/s; 4x CPU slowdown), applied to the browser for real
# (devtools throttling) rather than simulated afterwards: the simulation replays
# an unthrottled load, in which the WASM arrives before the start page painted
# into index.html is ever shown, and so cannot see that first paint.
for page in "start=" "deep-link=#/return?order=SO-24003"; do
  name="${page%%=*}"
  target="$URL${page#*=}"
  OUT="$LH_DIR/reports/portal-$STAMP-$name"
  say "lighthouse (mobile, devtools throttling) $target"
  CHROME_PATH="$CHROMIUM" "$LH_DIR/node_modules/.bin/lighthouse" "$target" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --throttling-method=devtools \
    --output=json --output=html --output-path="$OUT" --quiet "$@"

  node - "$OUT.report.json" <<'EOF'
const report = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
if (report.runtimeError) {
  console.error(`[lighthouse] runtime error: ${report.runtimeError.code} ${report.runtimeError.message}`);
  process.exit(1);
}
console.log(`[lighthouse] ${report.lighthouseVersion}, ${report.configSettings.formFactor}, ${report.configSettings.throttlingMethod} throttling, ${report.finalDisplayedUrl}`);
let missing = false;
for (const c of Object.values(report.categories)) {
  const score = c.score === null ? 'n/a' : Math.round(c.score * 100);
  if (c.score === null) missing = true;
  console.log(`${c.title.padEnd(16)} ${String(score).padStart(3)}`);
}
const m = (id) => report.audits[id]?.displayValue ?? 'n/a';
console.log(`(FCP ${m('first-contentful-paint')}, LCP ${m('largest-contentful-paint')}, TBT ${m('total-blocking-time')}, CLS ${m('cumulative-layout-shift')}, TTI ${m('interactive')})`);
// The slow-phone figure: when the app itself answers a tap (src/browser/mount.rs `ready`).
const ready = (report.audits['user-timings']?.details?.items ?? []).find((t) => t.name === 'aftersales:ready');
console.log(`app ready (user timing aftersales:ready): ${ready ? `${(ready.startTime / 1000).toFixed(2)} s` : 'n/a'}`);
process.exit(missing ? 1 : 0);
EOF
  say "report: ${OUT#"$ROOT"/}.report.html, .report.json"
done
