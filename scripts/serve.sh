#!/usr/bin/env bash
# Install what is missing, build the release site into dist/ and serve it on http://127.0.0.1:8080 (Ctrl-C stops).
#   PORT=8080 EXAMPLE=<name> scripts/serve.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8080}"

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"

# The built-in example to open: $EXAMPLE, else the V2-token-vs-V1-policy deny example, else the first one.
example="${EXAMPLE:-}"
if [ -z "$example" ] && [ -d static/examples ]; then
  pick="$(find static/examples -maxdepth 1 -type f -iname '*v2*v1*' | sort | head -n1)"
  [ -n "$pick" ] || pick="$(find static/examples -maxdepth 1 -type f | sort | head -n1)"
  if [ -n "$pick" ]; then
    example="$(basename "$pick")"
    example="${example%%.*}"
  fi
fi

step "serving dist/"
echo
if [ -n "$example" ]; then
  echo "    open http://127.0.0.1:${PORT}/#example=${example}   (a built-in example, loaded)"
  echo "    or   http://127.0.0.1:${PORT}/   (empty, to paste your own)"
else
  echo "    open http://127.0.0.1:${PORT}/"
fi
echo "    (Ctrl-C to stop)"
echo
exec node "$ROOT/scripts/static-server.mjs" --root "$ROOT/dist" --port "$PORT"
