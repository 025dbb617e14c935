#!/usr/bin/env bash
# Build the static site into dist/: a release Trunk build with relative URLs (works under any sub-path),
# wasm-opt from node_modules, no network. Run scripts/setup.sh first (serve.sh and test.sh do).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v trunk >/dev/null || die "trunk not found: run scripts/setup.sh"
command -v wasm-opt >/dev/null || die "wasm-opt not found in node_modules/.bin: run scripts/setup.sh"

# Size: rebuild std with the release profile (opt-level z, LTO) and make panics plain traps, so no panic
# message, location or formatting code is shipped (about 8% of the gzipped wasm). Panics are bugs here either
# way (the profile already aborts); the native CLI and tests keep normal panics. These are unstable cargo
# and rustc options on a stable toolchain (RUSTC_BOOTSTRAP), for the wasm target only; without rust-src the
# build falls back to the prebuilt std.
if [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  if rustc -Zunstable-options -Cpanic=immediate-abort --print cfg --target wasm32-unknown-unknown >/dev/null 2>&1; then
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
  else
    export CARGO_UNSTABLE_BUILD_STD_FEATURES=panic_immediate_abort
  fi
else
  info "rust-src is missing (scripts/setup.sh adds it): building with the prebuilt std, about 26 KB larger"
fi
step "trunk build --release --offline --public-url ./"
start=$(date +%s)
trunk build --release --offline --public-url ./
info "built dist/ in $(($(date +%s) - start)) s"
