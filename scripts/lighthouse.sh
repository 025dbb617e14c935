#!/usr/bin/env bash
# Lighthouse (12.8.2, offline, Debian's Chromium) against the release build served by scripts/static-server.mjs:
# performance, accessibility and best-practices for the empty page and for a full deny report opened from a
# share link, with Lighthouse's mobile preset (simulated slow 4G and 4x CPU throttling) and its desktop preset.
# Prints the scores; exits non-zero when any is under MIN_SCORE (default 0.95).
#   scripts/lighthouse.sh                  (both presets)
#   PRESETS=desktop scripts/lighthouse.sh
#   ENCODINGS=gzip scripts/lighthouse.sh   (a host that only gzips; by default Brotli, else gzip, as most do)
# Lighthouse lives in tools/lighthouse/ with its own lock file, so the main `npm ci` stays light; it is
# installed there on first use. Full JSON reports: test-results/lighthouse-<page>-<preset>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
MIN_SCORE="${MIN_SCORE:-0.95}"
PORT="${LIGHTHOUSE_PORT:-4191}"
PRESETS="${PRESETS:-mobile desktop}"
ENCODINGS="${ENCODINGS:-br,gzip}"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_PATH

[ -f dist/index.html ] || scripts/build.sh
[ -x tools/lighthouse/node_modules/.bin/lighthouse ] || npm ci --prefix tools/lighthouse --no-audit --no-fund
mkdir -p test-results

node scripts/static-server.mjs --root dist --port "$PORT" --encodings "$ENCODINGS" >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done

# A share link to the deny example (the same one the browser tests use), pinned at the example's time.
EX=static/examples
LINK=$(node -e '
  const fs = require("fs");
  const t = fs.readFileSync(process.argv[1], "utf8").trim();
  const p = fs.readFileSync(process.argv[2], "utf8");
  const at = JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString()).iat + 600;
  console.log(`#token=${t}&policy=${Buffer.from(p).toString("base64url")}&at=${at}`);' \
  "$EX/v2-token-v1-policy.jwt" "$EX/v2-token-v1-policy.policy.json")

FLAGS="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run"
FLAGS="$FLAGS --disable-background-networking --disable-component-update --disable-sync"
failed=0
echo "served with Content-Encoding: $ENCODINGS (the first the browser accepts)"
printf '%-8s %-8s %12s %14s %15s\n' page preset performance accessibility best-practices
for PRESET in $PRESETS; do
PRESET_ARG=()
[ "$PRESET" = desktop ] && PRESET_ARG=(--preset=desktop)
for page in empty report; do
  url="http://127.0.0.1:$PORT/"
  [ "$page" = report ] && url="$url$LINK"
  out="test-results/lighthouse-$page-$PRESET.json"
  tools/lighthouse/node_modules/.bin/lighthouse "$url" --quiet --output=json --output-path="$out" \
    --only-categories=performance,accessibility,best-practices "${PRESET_ARG[@]}" \
    --chrome-flags="$FLAGS" --max-wait-for-load=30000 >/dev/null 2>"test-results/lighthouse-$page-$PRESET.log" ||
    { echo "lighthouse failed on the $page page:"; tail -20 "test-results/lighthouse-$page-$PRESET.log"; exit 2; }
  read -r perf a11y bp below <<<"$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = ["performance", "accessibility", "best-practices"].map((c) => r.categories[c].score);
    const min = Number(process.argv[2]);
    console.log(s.map((x) => (x ?? 0).toFixed(2)).join(" "), s.some((x) => (x ?? 0) < min) ? 1 : 0);' "$out" "$MIN_SCORE")"
  printf '%-8s %-8s %12s %14s %15s\n' "$page" "$PRESET" "$perf" "$a11y" "$bp"
  if [ "$below" = 1 ]; then
    failed=1
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const c of ["performance", "accessibility", "best-practices"])
        for (const ref of r.categories[c].auditRefs) {
          const a = r.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 0.9)
            console.log(`    ${c}: ${a.id} (${a.score}) ${a.title}${a.displayValue ? ": " + a.displayValue : ""}`);
        }' "$out"
  fi
done
done
if [ "$failed" = 1 ]; then
  echo "a score is under $MIN_SCORE (details above; full reports in test-results/lighthouse-*.json)"
  exit 1
fi
echo "all scores >= $MIN_SCORE"
