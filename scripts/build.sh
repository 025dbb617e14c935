#!/usr/bin/env bash
# Build the static site into dist/: a release Trunk build with relative URLs (works under any sub-path),
# wasm-opt from node_modules, no network. Run scripts/setup.sh first (serve.sh and test.sh do).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v trunk >/dev/null || die "trunk not found: run scripts/setup.sh"
command -v wasm-opt >/dev/null || die "wasm-opt not found in node_modules/.bin: run scripts/setup.sh"

wasm_size_env
step "trunk build --release --offline --public-url ./"
start=$(date +%s)
trunk build --release --offline --public-url ./
info "built dist/ in $(($(date +%s) - start)) s"
