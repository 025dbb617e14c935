#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failure:
#   setup, cargo fmt --check, clippy (native and wasm32), cargo test, the release build, the Playwright
#   browser suite against dist/, the size budget of dist/, and scripts/differential.sh when present.
# Ends with a summary and a closing line "tests: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

LOGDIR="$ROOT/test-results"
mkdir -p "$LOGDIR"
SUMMARY=()
PASSED=0
FAILED=0
T0=$(date +%s)
current=""

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
    [ "${#SUMMARY[@]}" -eq 0 ] || printf '    %s\n' "${SUMMARY[@]}" >&2
    printf '\nFAILED: %s (exit %s) after %s s in total\n' "$current" "$rc" "$(($(date +%s) - T0))" >&2
    printf '    fix it and re-run scripts/test.sh\n' >&2
  fi
}
trap on_exit EXIT

# run_step NAME COMMAND...: runs one step, records its duration.
run_step() {
  local name="$1"
  shift
  current="$name"
  step "$name"
  local start
  start=$(date +%s)
  "$@"
  SUMMARY+=("$(printf '%-34s ok   %4s s' "$name" "$(($(date +%s) - start))")")
  current=""
}

# Sums cargo's "test result: ... N passed; M failed" lines from a log.
count_cargo() {
  local log="$1" p f
  p=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
  f=$(grep -Eo '; [0-9]+ failed' "$log" | awk '{s += $2} END {print s + 0}')
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SUMMARY+=("$(printf '    cargo test: %s passed, %s failed' "$p" "$f")")
}

cargo_test() {
  local rc=0
  cargo test 2>&1 | tee "$LOGDIR/cargo-test.log" || rc=$?
  count_cargo "$LOGDIR/cargo-test.log"
  return "$rc"
}

playwright_suite() {
  local rc=0
  playwright test || rc=$?
  if [ -f "$LOGDIR/playwright.json" ]; then
    local counts
    counts=$(node -e '
      const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
      console.log(`${s.expected + s.flaky} ${s.unexpected} ${s.skipped}`);' "$LOGDIR/playwright.json")
    read -r p f s <<<"$counts"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SUMMARY+=("$(printf '    playwright: %s passed, %s failed, %s skipped' "$p" "$f" "$s")")
  fi
  return "$rc"
}

run_step "setup" "$ROOT/scripts/setup.sh"
run_step "cargo fmt --check" cargo fmt --check
run_step "clippy (native, all targets)" cargo clippy --all-targets -- -D warnings
run_step "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --bin claimcheck-web --lib -- -D warnings
run_step "cargo test" cargo_test
run_step "release build (trunk)" "$ROOT/scripts/build.sh"
run_step "browser tests (playwright)" playwright_suite
run_step "size budget" "$ROOT/scripts/size.sh"
if [ -x "$ROOT/scripts/differential.sh" ]; then
  run_step "differential tests" "$ROOT/scripts/differential.sh"
fi

step "summary ($(($(date +%s) - T0)) s in total)"
printf '    %s\n' "${SUMMARY[@]}"
echo "tests: ${PASSED} passed, ${FAILED} failed"
