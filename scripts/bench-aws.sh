#!/usr/bin/env bash
# Benchmark of claimcheck's AWS trust-policy evaluation (release build, the shipped profile), and of
# iam-simulate doing the same work in Node on the same inputs; prints both and their ratio.
# Targets: typical well under 1 ms, a 1 MB / 1,000-statement policy under 20 ms, faster than iam-simulate.
# Times are CPU time per evaluation (user + system), so a loaded machine inflates them less than wall time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release --example bench_aws
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
ours_out="$("$target_dir/release/examples/bench_aws" --emit "$work")"
echo "$ours_out"
ours="$(tail -1 <<<"$ours_out")"
cd tests/differential
if [ ! -d node_modules/@cloud-copilot/iam-simulate ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
theirs_out="$(node bench.js "$work")"
echo "$theirs_out"
theirs="$(tail -1 <<<"$theirs_out")"
node -e '
const a = JSON.parse(process.argv[1]), b = JSON.parse(process.argv[2]);
console.log(`ratio (iam-simulate / claimcheck): typical ${(b.typical_us / a.typical_us).toFixed(1)}x, large ${(b.large_ms / a.large_ms).toFixed(1)}x`);
const ok = a.typical_us < 1000 && a.large_ms < 20 && a.typical_us < b.typical_us && a.large_ms < b.large_ms;
console.log(`targets (typical < 1 ms, large < 20 ms, faster than iam-simulate): ${ok ? "met" : "NOT met"}`);
' "$ours" "$theirs"
