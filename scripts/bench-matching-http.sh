#!/usr/bin/env bash
# Matching over HTTP (issue #4): `GET /api/v1/vacancies/{id}/candidates?limit=50` for the
# demo's open vacancies against PERSONS demo people with work profiles (default 1,000,000),
# as the national administrator; then the server's resident memory.
#
#   scripts/bench-matching-http.sh [DATA_DIR]
#
# The data dir is seeded the first time (`sipe demo --no-serve`, then `sipe reindex`) and
# reused afterwards. Needs wrk (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-target/bench-matching}"
PERSONS="${PERSONS:-1000000}"
DURATION="${DURATION:-20s}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
bin=target/release/sipe
[[ -x "$bin" ]] || cargo build --release --bin sipe
if [[ ! -e "$data/sipe.db" ]]; then
  mkdir -p "$data"
  /usr/bin/time -f "demo seeding: %e s, max RSS %M KiB" \
    "$bin" --data-dir "$data" demo --persons "$PERSONS" --no-serve
  /usr/bin/time -f "reindex: %e s, max RSS %M KiB" "$bin" --data-dir "$data" reindex
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
tmp="$(mktemp -d)"
SIPE_LOG=warn "$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
token="$("$bin" --data-dir "$data" token create --username admin --name bench-matching)"
echo "server RSS after start: $(ps -o rss= -p $pid) KiB"
curl -fs -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/vacancies?state=open&per_page=100" >"$tmp/open.json"
python3 - "$tmp/open.json" "$tmp/paths.lua" <<'PY'
import json, sys
ids = [v["id"] for v in json.load(open(sys.argv[1]))["items"]]
if not ids:
    sys.exit("no open vacancies in the data dir")
print(f"{len(ids)} open vacancies")
with open(sys.argv[2], "w") as f:
    f.write("local ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
    f.write("local n = 0\nrequest = function()\n  n = n + 1\n")
    f.write('  return wrk.format("GET", "/api/v1/vacancies/" .. ids[(n % #ids) + 1] .. "/candidates?limit=50")\nend\n')
PY
for id in $(python3 -c 'import json,sys; [print(v["id"]) for v in json.load(open(sys.argv[1]))["items"]]' "$tmp/open.json"); do
  curl -fs -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/vacancies/$id/candidates?limit=50" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("  scored %7d, returned %d" % (d["scored"], len(d["items"])))'
done
echo "one client, back to back:"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $token" \
  -s "$tmp/paths.lua" "http://127.0.0.1:$port" | tee "$tmp/wrk1.txt"
echo "four clients:"
wrk -t2 -c4 -d"$DURATION" --latency -H "Authorization: Bearer $token" \
  -s "$tmp/paths.lua" "http://127.0.0.1:$port" | tee "$tmp/wrk4.txt"
echo "server RSS after the load: $(ps -o rss= -p $pid) KiB"
