#!/usr/bin/env bash
# Fuzz claimcheck's core with cargo-fuzz (libFuzzer) and print, per target: executions, coverage, crashes.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 600 seconds for every target in fuzz/fuzz_targets
#   JOBS=2 scripts/fuzz.sh 600                run two targets at a time
#   SANITIZER=none scripts/fuzz.sh 60         no AddressSanitizer (faster; panics are still caught)
#
# Only stable Rust is assumed: RUSTC_BOOTSTRAP=1 lets it accept cargo-fuzz's nightly flags (-Zsanitizer).
# Each run uses -rss_limit_mb=2048 -timeout=5 (a single input running over 5 s counts as a hang), starts from
# the committed seeds in fuzz/corpus/<target> and writes what it discovers to fuzz/corpus-run/<target> (not
# committed). A crash, hang or out-of-memory input is saved under fuzz/artifacts/<target>/; minimize it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin <target> <artifact>     (from fuzz/.., i.e. the repository root)
# and add it to tests/fuzz_regressions.rs. Exit status: 0 when no target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-600}
shift || true
JOBS=${JOBS:-1}
SANITIZER=${SANITIZER:-address}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (one time, a few minutes)..." >&2
  cargo install --locked cargo-fuzz >&2 || { echo "cargo-fuzz could not be installed" >&2; exit 2; }
fi

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(ls fuzz/fuzz_targets | sed -n 's/\.rs$//p' | sort)
fi

echo "building ${#TARGETS[@]} fuzz targets (sanitizer: $SANITIZER)..." >&2
for t in "${TARGETS[@]}"; do
  if ! cargo fuzz build -O -s "$SANITIZER" "$t" >fuzz/build-"$t".log 2>&1; then
    echo "build of $t failed:" >&2
    tail -20 fuzz/build-"$t".log >&2
    exit 2
  fi
  rm -f fuzz/build-"$t".log
done

LOGDIR=fuzz/logs
mkdir -p "$LOGDIR"

run_one() {
  local t=$1
  mkdir -p fuzz/corpus-run/"$t" fuzz/artifacts/"$t"
  local start end
  start=$(date +%s)
  cargo fuzz run -O -s "$SANITIZER" "$t" fuzz/corpus-run/"$t" fuzz/corpus/"$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=5 -print_final_stats=1 \
    -artifact_prefix=fuzz/artifacts/"$t"/ >"$LOGDIR/$t.log" 2>&1
  echo "exit=$? seconds=$(($(date +%s) - start))" >>"$LOGDIR/$t.log"
}

running=0
for t in "${TARGETS[@]}"; do
  echo "fuzzing $t for ${SECONDS_PER_TARGET}s..." >&2
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-15s %8s %12s %9s %7s %7s %8s %8s  %s\n' target seconds executions exec/s cov ft corpus rss_mb result
for t in "${TARGETS[@]}"; do
  log="$LOGDIR/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  secs=$(sed -n 's/^exit=[0-9]* seconds=//p' "$log" | tail -1)
  code=$(sed -n 's/^exit=\([0-9]*\).*/\1/p' "$log" | tail -1)
  artifacts=$(find fuzz/artifacts/"$t" -type f 2>/dev/null | wc -l)
  result=ok
  if [ "${code:-1}" != 0 ] || [ "$artifacts" -gt 0 ]; then
    result="FAILED ($(grep -m1 -oE 'deadly signal|panicked at[^,]*|ERROR: libFuzzer: [a-z-]+|out-of-memory|timeout' "$log" || echo "exit ${code:-?}"); $artifacts artifact(s) in fuzz/artifacts/$t)"
    failed=$((failed + 1))
  fi
  printf '%-15s %8s %12s %9s %7s %7s %8s %8s  %s\n' "$t" "${secs:-?}" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$result"
done
echo "logs: $LOGDIR/<target>.log"
if [ "$failed" -gt 0 ]; then
  echo "$failed target(s) failed"
  exit 1
fi
echo "no crash, hang or memory blow-up in ${#TARGETS[@]} targets"
