#!/usr/bin/env bash
# Differential test of claimcheck's AWS trust-policy evaluation against @cloud-copilot/iam-simulate.
# Usage: scripts/differential.sh [--cases N] [--seed S] [--verbose]
# Prints a summary line like `differential: 500 cases, 478 agree, 22 documented disagreements, 0 unexplained`
# and exits non-zero on any unexplained disagreement. Needs cargo, node (20+) and npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --quiet --example aws_eval
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
cd tests/differential
if [ ! -d node_modules/@cloud-copilot/iam-simulate ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node run.js --bin "$target_dir/debug/examples/aws_eval" --cases 500 --seed 1 "$@"
