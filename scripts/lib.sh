# Shared helpers for the claimcheck scripts: sourced, not run.
# Puts the repository root in $ROOT, the cargo and node_modules tools on PATH, and defines log helpers.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

if [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
case ":$PATH:" in
  *":$HOME/.cargo/bin:"*) ;;
  *) PATH="$HOME/.cargo/bin:$PATH" ;;
esac
# wasm-opt (npm `binaryen`) and playwright come from the repository's node_modules.
PATH="$ROOT/node_modules/.bin:$PATH"
export PATH

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\nerror: %s\n' "$*" >&2
  exit 1
}

# The exact wasm-bindgen version Cargo.lock resolved (the CLI must equal it).
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Size: rebuild std with the release profile (opt-level z, LTO) and make panics plain traps, so no panic
# message, location or formatting code is shipped (about 8% of the gzipped wasm). Panics are bugs here either
# way (the profile already aborts); the native CLI and tests keep normal panics. These are unstable cargo
# and rustc options on a stable toolchain (RUSTC_BOOTSTRAP), for the wasm target only; without rust-src the
# build falls back to the prebuilt std. `-Zfmt-debug=none` drops the bodies of `Debug` impls (-2 KB gzipped):
# nothing the page shows is formatted with `{:?}` (the CEL messages name operators with `BinOp::symbol`).
# Used by scripts/build.sh and scripts/wasm-breakdown.sh.
wasm_size_env() {
  if [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    if rustc -Zunstable-options -Cpanic=immediate-abort --print cfg --target wasm32-unknown-unknown >/dev/null 2>&1; then
      export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none"
    else
      export CARGO_UNSTABLE_BUILD_STD_FEATURES=panic_immediate_abort
      export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zfmt-debug=none"
    fi
  else
    info "rust-src is missing (scripts/setup.sh adds it): building with the prebuilt std, about 26 KB larger"
  fi
}
