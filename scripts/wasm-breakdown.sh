#!/usr/bin/env bash
# Which crates and functions cost the most wasm bytes. Builds the web app's wasm exactly as the release build
# does (cargo --release for wasm32, wasm-bindgen, wasm-opt -Oz) but keeps the function names (-g), then prints
# code bytes per crate and the largest functions (tools/wasm_breakdown.py). With twiggy on PATH it also prints
# twiggy's top retained items.
#   scripts/wasm-breakdown.sh [TOP]     (default 25)
set -euo pipefail
cd "$(dirname "$0")/.."
TOP="${1:-25}"
OUT=target/wasm-breakdown
mkdir -p "$OUT"
PATH="$PWD/node_modules/.bin:$PATH"
. scripts/lib.sh
wasm_size_env

cargo build --release --quiet --target wasm32-unknown-unknown --bin claimcheck-web
raw=target/wasm32-unknown-unknown/release/claimcheck-web.wasm
wasm-bindgen --target web --no-typescript --out-dir "$OUT" "$raw"
bg="$OUT/claimcheck-web_bg.wasm"
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz -g "$bg" -o "$OUT/named.wasm"
else
  echo "wasm-opt not found (npm ci installs it): sizes are before wasm-opt" >&2
  cp "$bg" "$OUT/named.wasm"
fi
# The size a visitor pays for: the same module without names, gzipped.
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz "$bg" -o "$OUT/stripped.wasm"
  echo "shipped wasm (names stripped): $(wc -c <"$OUT/stripped.wasm") bytes, $(gzip -9 -c "$OUT/stripped.wasm" | wc -c) gzipped"
fi
python3 tools/wasm_breakdown.py "$OUT/named.wasm" --top "$TOP"
if command -v twiggy >/dev/null; then
  echo
  echo "twiggy top (retained sizes):"
  twiggy top --retained -n "$TOP" "$OUT/named.wasm"
fi
