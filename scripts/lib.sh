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
