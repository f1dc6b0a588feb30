#!/usr/bin/env bash
# Prints every file of a built portal with its raw, gzip -9 and brotli -q 11 size
# (what a CDN would serve), and the totals. Usage: scripts/bundle-size.sh [dist]
set -euo pipefail

DIR="${1:-dist}"
[[ -d "$DIR" ]] || { echo "bundle-size: no directory $DIR" >&2; exit 1; }
have_brotli=1
command -v brotli >/dev/null 2>&1 || have_brotli=0

printf '%-48s %10s %10s %10s\n' "file" "raw" "gzip" "brotli"
total_raw=0 total_gz=0 total_br=0
while IFS= read -r -d '' f; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  if (( have_brotli )); then br=$(brotli -q 11 -c "$f" | wc -c); else br=0; fi
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-48s %10d %10d %10s\n' "${f#"$DIR"/}" "$raw" "$gz" "$( ((have_brotli)) && echo "$br" || echo n/a)"
done < <(find "$DIR" -type f -print0 | sort -z)
printf '%-48s %10d %10d %10s\n' "TOTAL" "$total_raw" "$total_gz" "$( ((have_brotli)) && echo "$total_br" || echo n/a)"
