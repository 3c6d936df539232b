#!/usr/bin/env bash
# Person search over HTTP (issue #3): `GET /api/v1/persons?q=...` with name queries that
# carry typos, 32 concurrent clients, on an existing data dir (e.g. one that
# scripts/bench-persons.sh filled with KEEP_DATA=DIR); then the server's resident memory.
#
#   scripts/bench-persons-http.sh DATA_DIR QUERIES_FILE
#
# QUERIES_FILE holds one query per line (search_bench writes one with
# SIPE_BENCH_QUERIES_OUT). Needs wrk (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:?usage: bench-persons-http.sh DATA_DIR QUERIES_FILE}"
queries="${2:?usage: bench-persons-http.sh DATA_DIR QUERIES_FILE}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
bin=target/release/sipe
[[ -x "$bin" ]] || cargo build --release --bin sipe
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
tmp="$(mktemp -d)"
SIPE_LOG=warn "$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
token="$("$bin" --data-dir "$data" token create --username admin --name bench-http)"
echo "server RSS after start: $(ps -o rss= -p $pid) KiB"
python3 - "$queries" "$tmp/queries.lua" <<'PY'
import sys, urllib.parse
qs = [urllib.parse.quote(l.strip()) for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "w") as f:
    f.write("local q = {" + ",".join(f'"{q}"' for q in qs) + "}\n")
    f.write("local n = 0\nrequest = function()\n  n = n + 1\n")
    f.write('  return wrk.format("GET", "/api/v1/persons?per_page=25&q=" .. q[(n % #q) + 1])\nend\n')
PY
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" \
  -s "$tmp/queries.lua" "http://127.0.0.1:$port" | tee "$tmp/wrk.txt"
# One client: the time a request takes without waiting behind others (32 clients that
# send back to back keep both cores saturated, so their latency is mostly queueing).
echo "one client, back to back:"
wrk -t1 -c1 -d10s --latency -H "Authorization: Bearer $token" \
  -s "$tmp/queries.lua" "http://127.0.0.1:$port" | grep -E "Latency|50%|99%|Requests/sec"
echo "server RSS after the load: $(ps -o rss= -p $pid) KiB"
