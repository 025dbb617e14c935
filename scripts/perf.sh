#!/usr/bin/env bash
# Page speed in headless Chromium against the release build: prints medians (share link -> verdict,
# keystroke -> report, a 1 MB policy and the longest main-thread block). Numbers only: nothing is asserted,
# timings depend on the machine. See tools/perf.mjs.
#   scripts/perf.sh [RUNS]        (default 15; builds dist/ with scripts/build.sh when it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-15}"
[ -f dist/index.html ] || scripts/build.sh
[ -d node_modules/playwright-core ] || npm ci
exec node tools/perf.mjs --runs "$RUNS" --dir dist
