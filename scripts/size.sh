#!/usr/bin/env bash
# Print the raw, gzip -9 and Brotli (quality 11) size of every file in dist/ and the totals; fail over the gzipped
# budget. (Brotli is what most static hosts serve to browsers; the budget counts gzip, the issue's measure.)
#   BUDGET_KB=492 scripts/size.sh [DIR]
# The product target is 150 KB gzipped (issue "Finish"); today's build is about 440 KB (four platforms, a CEL
# evaluator, share compression, key parsing, readers of YAML, `vault read` tables and setup commands). Until the cuts land, the budget guards against growth: it is
# the measured size plus a small margin, never a number to raise casually.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

DIR="${1:-dist}"
BUDGET_KB="${BUDGET_KB:-492}"
[ -d "$DIR" ] || die "$DIR does not exist: build first (scripts/build.sh)"

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

# Brotli's best, with Node's zlib (no brotli binary needed).
brotli_size() {
  node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11,
      [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length)' "$1"
}

total_raw=0
total_gz=0
total_br=0
printf '%-48s %12s %12s %12s\n' "file" "raw" "gzipped" "brotli"
while IFS= read -r -d '' f; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli_size "$f")
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  printf '%-48s %12s %12s %12s\n' "${f#"$DIR"/}" "$(kb "$raw")" "$(kb "$gz")" "$(kb "$br")"
done < <(find "$DIR" -type f -print0 | sort -z)

kinds="$(find "$DIR" -type f | sed -n 's/.*\.\([a-z0-9]*\)$/\1/p' | tr 'a-z' 'A-Z' | sort -u | paste -sd+ -)"
echo "total: $(kb "$total_gz") gzipped, $(kb "$total_br") Brotli, $(kb "$total_raw") raw (${kinds}); budget ${BUDGET_KB} KB gzipped"
if [ "$total_gz" -gt $((BUDGET_KB * 1024)) ]; then
  die "dist/ is $(kb "$total_gz") gzipped, over the ${BUDGET_KB} KB budget: find what grew (twiggy, cargo bloat) before raising BUDGET_KB"
fi
