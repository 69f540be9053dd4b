#!/usr/bin/env bash
# bench_serve.sh [BIN] [SECONDS]: load benchmark of `tieup serve` with wrk (Debian package
# `wrk`): shortlist requests (JSON API and the HTML page) at 32 concurrent connections, with
# throughput and latency percentiles, and the server's resident memory before and after
# at least 100,000 requests (flat memory = no leak). Uses the release binary by default.
# Note: wrk runs on the same machine and takes CPU from the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/tieup}
SECS=${2:-15}
command -v wrk >/dev/null || { echo "bench_serve: install wrk (apt-get install -y wrk)"; exit 1; }
[ -x "$BIN" ] || cargo build --release --locked --quiet
LOG=$(mktemp)
"$BIN" serve --bind 127.0.0.1:0 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 100); do grep -q 'http://' "$LOG" && break; sleep 0.1; done
BASE=$(grep -o 'http://[0-9.:]*' "$LOG" | head -1)
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$PID/status; }
echo "server $BASE (pid $PID), cores: $(nproc)"
echo "RSS at start: $(rss)"
Q="region=fukushima&sector=medical+devices&top=10"
wrk -t2 -c32 -d3s "$BASE/api/shortlist?$Q" >/dev/null
echo "RSS after warm-up: $(rss)"
for path in "/api/shortlist?$Q" "/?$Q"; do
  echo
  echo "== GET $path, 32 connections, ${SECS} s"
  wrk -t2 -c32 -d"${SECS}s" --latency "$BASE$path" | grep -E 'Requests/sec|requests in|50%|75%|90%|99%|Non-2xx|Socket errors'
  echo "RSS: $(rss)"
done
