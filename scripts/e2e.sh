#!/usr/bin/env bash
# e2e.sh [BIN]: end-to-end test of `tieup serve` in a real headless Chromium (Debian's chromium
# and chromium-driver). Starts the server and ChromeDriver on free localhost ports, runs
# scripts/e2e.py (type a region, pick a sector, read the list, open a profile, compare two,
# export, print, switch language; with the store on: save, decide, open a project, follow-ups
# due, follow up, retrain, switch models), checks that /api/shortlist gives the CLI's JSON byte for byte,
# and saves a screenshot of each step under target/e2e/.
# Without chromium it skips with a message (exit 0), unless $CI is set (then it fails).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/debug/tieup}
OUT=target/e2e
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ -n "${CI:-}" ]; then
    echo "e2e: chromium or chromedriver missing (apt-get install -y chromium chromium-driver)" >&2
    exit 1
  fi
  echo "e2e: SKIPPED: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)"
  exit 0
fi
[ -x "$BIN" ] || cargo build --locked --quiet
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
LOG=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$LOG"; }
trap cleanup EXIT

"$BIN" serve --bind 127.0.0.1:0 --db "$LOG/e2e.db" >"$LOG/serve.out" 2>"$LOG/serve.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'http://' "$LOG/serve.out" && break; sleep 0.1; done
BASE=$(grep -o 'http://[0-9.:]*' "$LOG/serve.out" | head -1)
[ -n "$BASE" ] || { echo "e2e: the server did not start"; cat "$LOG/serve.err"; exit 1; }
echo "e2e: server at $BASE"

DPORT=$(free_port)
chromedriver --port="$DPORT" >"$LOG/driver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do python3 - "$DPORT" <<'PY' 2>/dev/null && break
import sys, urllib.request; urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status", timeout=1)
PY
  sleep 0.1; done

echo "e2e: /api/shortlist equals tieup shortlist --format json"
python3 - "$BASE" "$BIN" <<'PY'
import subprocess, sys, urllib.request
base, binary = sys.argv[1], sys.argv[2]
cli = subprocess.run([binary, "shortlist", "--region", "fukushima", "--sector", "medical devices",
                      "--want", "design", "--top", "12", "--format", "json"],
                     check=True, capture_output=True).stdout
api = urllib.request.urlopen(base + "/api/shortlist?region=fukushima&sector=medical+devices&want=design&top=12").read()
assert cli == api, "API and CLI JSON differ"
print("  ok: identical bytes (%d)" % len(api))
cli = subprocess.run([binary, "shortlist", "--region", "aichi", "--sector", "automotive",
                      "--country", "DE", "--country", "US", "--level", "state", "--level", "nuts1",
                      "--max-per-country", "3", "--format", "json"],
                     check=True, capture_output=True).stdout
api = urllib.request.urlopen(base + "/api/shortlist?region=aichi&sector=automotive"
                             "&country=DE&country=US&level=state&level=nuts1&max_per_country=3").read()
assert cli == api, "API and CLI JSON differ with filters"
print("  ok: identical bytes with filters (%d)" % len(api))
PY

python3 scripts/e2e.py "$BASE" "http://127.0.0.1:$DPORT" "$OUT"
