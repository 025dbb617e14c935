#!/usr/bin/env bash
# Print the raw and gzip -9 size of every file in dist/ and the total; fail over the gzipped budget.
#   BUDGET_KB=385 scripts/size.sh [DIR]
# The product target is 150 KB gzipped (issue "Finish"); today's build is about 358 KB (four platforms, a CEL
# evaluator, share compression, key parsing). Until the cuts land, the budget guards against growth: it is
# the measured size plus a small margin, never a number to raise casually.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

DIR="${1:-dist}"
BUDGET_KB="${BUDGET_KB:-385}"
[ -d "$DIR" ] || die "$DIR does not exist: build first (scripts/build.sh)"

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

total_raw=0
total_gz=0
printf '%-48s %12s %12s\n' "file" "raw" "gzipped"
while IFS= read -r -d '' f; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-48s %12s %12s\n' "${f#"$DIR"/}" "$(kb "$raw")" "$(kb "$gz")"
done < <(find "$DIR" -type f -print0 | sort -z)

kinds="$(find "$DIR" -type f | sed -n 's/.*\.\([a-z0-9]*\)$/\1/p' | tr 'a-z' 'A-Z' | sort -u | paste -sd+ -)"
echo "total: $(kb "$total_gz") gzipped, $(kb "$total_raw") raw (${kinds}); budget ${BUDGET_KB} KB gzipped"
if [ "$total_gz" -gt $((BUDGET_KB * 1024)) ]; then
  die "dist/ is $(kb "$total_gz") gzipped, over the ${BUDGET_KB} KB budget: find what grew (twiggy, cargo bloat) before raising BUDGET_KB"
fi
