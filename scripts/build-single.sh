#!/usr/bin/env bash
# Build ONE self-contained HTML file, dist-single/claimcheck.html, that works opened straight from disk
# (file://) with no network: wasm base64-inlined, JS glue and CSS inlined, strict CSP with hashes.
#   scripts/build-single.sh            build the release dist/ (scripts/build.sh), then inline it
#   SKIP_BUILD=1 scripts/build-single.sh   inline the dist/ that is already there
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  "$ROOT/scripts/build.sh"
fi
[ -f dist/index.html ] || die "dist/index.html is missing: run scripts/build.sh first (or drop SKIP_BUILD)"
command -v node >/dev/null || die "node not found: run scripts/setup.sh"

step "inline dist/ into dist-single/claimcheck.html"
node scripts/single-html.mjs dist dist-single/claimcheck.html
