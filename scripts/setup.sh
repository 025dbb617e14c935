#!/usr/bin/env bash
# Install what building and testing claimcheck needs, skipping anything already present at the right version.
# Safe to run again and again; on a fresh Debian machine with rustup and Node 20 it installs everything:
#   - the wasm32-unknown-unknown Rust target, and the crates Cargo.lock names (cargo fetch)
#   - trunk 0.21.14 and wasm-bindgen-cli (the version Cargo.lock pins), via cargo install
#   - Debian's chromium + chromium-driver (Playwright drives it; no browser downloads)
#   - npm ci: wasm-opt (binaryen), Playwright, axe-core
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Waits for a `cargo install` of the same crate started elsewhere (e.g. by another shell) instead of racing it.
wait_for_other_install() {
  local crate="$1"
  while pgrep -f "cargo install.* ${crate}(@| |$)" >/dev/null 2>&1; do
    info "another \`cargo install ${crate}\` is running; waiting for it to finish..."
    sleep 15
  done
}

step "setup: checking tools"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs), then re-run"
command -v rustup >/dev/null || die "rustup not found: claimcheck needs rustup to add the wasm32 target"
command -v node >/dev/null || die "node not found: install Node.js 20 or newer, then re-run"
command -v npm >/dev/null || die "npm not found: install npm (comes with Node.js), then re-run"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: need 20 or newer"

# 1. Rust target
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  info "rust target wasm32-unknown-unknown: present"
else
  step "installing rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The release build recompiles the standard library for size (scripts/build.sh), which needs its source.
if [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  info "rust-src: present"
else
  step "installing rust-src (the size-optimized release build recompiles std)"
  rustup component add rust-src
fi

# The release build runs offline (scripts/build.sh): every crate in Cargo.lock, for every target, must be in
# cargo's cache first. Nothing is downloaded when they already are.
# The size-optimized build also compiles std, whose own Cargo.lock names crates of its own.
fetch_locked() {
  local what="$1" manifest="$2"
  if RUSTC_BOOTSTRAP=1 cargo fetch --locked --offline --manifest-path "$manifest" >/dev/null 2>&1; then
    info "$what: present"
  else
    step "downloading $what (cargo fetch)"
    RUSTC_BOOTSTRAP=1 cargo fetch --locked --manifest-path "$manifest"
  fi
}
fetch_locked "the crates in Cargo.lock" Cargo.toml
STD_LIBRARY="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
if [ -f "$STD_LIBRARY/Cargo.lock" ]; then
  fetch_locked "the crates std's Cargo.lock names" "$STD_LIBRARY/Cargo.toml"
fi

# 2. trunk
trunk_ok() { trunk --version 2>/dev/null | grep -qx "trunk ${TRUNK_VERSION}"; }
if ! trunk_ok; then wait_for_other_install trunk; fi
if trunk_ok; then
  info "trunk ${TRUNK_VERSION}: present"
else
  step "installing trunk ${TRUNK_VERSION} (takes ~6 min on 2 cores)"
  cargo install --locked "trunk@${TRUNK_VERSION}"
  trunk_ok || die "trunk ${TRUNK_VERSION} is not the trunk on PATH after installing: $(command -v trunk)"
fi

# 3. wasm-bindgen CLI: exactly the version of the wasm-bindgen crate in Cargo.lock
WB_VERSION="$(wasm_bindgen_lock_version)"
[ -n "$WB_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"
wb_ok() { wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen ${WB_VERSION}"; }
if ! wb_ok; then wait_for_other_install wasm-bindgen-cli; fi
if wb_ok; then
  info "wasm-bindgen ${WB_VERSION}: present"
else
  step "installing wasm-bindgen-cli ${WB_VERSION} (takes ~2 min)"
  # No --locked: with it a dependency of this version fails to resolve.
  cargo install --force "wasm-bindgen-cli@${WB_VERSION}"
  wb_ok || die "wasm-bindgen ${WB_VERSION} is not the wasm-bindgen on PATH after installing"
fi

# 4. Chromium (Debian's; Playwright never downloads a browser here)
if [ -x "$CHROMIUM" ]; then
  info "chromium: present ($CHROMIUM)"
else
  step "installing chromium and chromium-driver with apt-get"
  command -v apt-get >/dev/null || die "$CHROMIUM is missing and apt-get is not available: install Chromium and set CHROMIUM_PATH"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "installing chromium needs root (or sudo)"
    SUDO="sudo"
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
  [ -x "$CHROMIUM" ] || die "chromium was installed but $CHROMIUM does not exist: set CHROMIUM_PATH"
fi

# 5. npm packages (wasm-opt, Playwright, axe), skipped when node_modules matches package-lock.json
STAMP="node_modules/.claimcheck-lock.sha256"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$lock_sum" ] && [ -x node_modules/.bin/wasm-opt ] \
  && [ -x node_modules/.bin/playwright ]; then
  info "npm packages: up to date with package-lock.json"
else
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  echo "$lock_sum" >"$STAMP"
fi
wasm-opt --version >/dev/null 2>&1 || die "wasm-opt from node_modules/.bin does not run"

info "setup complete"
