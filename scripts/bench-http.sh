#!/usr/bin/env bash
# HTTP benchmark of issue #2: requests per second and p99 latency of the login page and
# of an authenticated dashboard, beside a minimal axum hello-world measured in the same
# run on the same machine; and the server's start time on an existing database.
#
#   scripts/bench-http.sh            # 10 s per endpoint, 2 threads, 32 connections
#   DURATION=30s scripts/bench-http.sh
#
# Needs wrk (installed from Debian if missing). Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release --bin sipe --example hello

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; return 1; }

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

hello_port="$(free_port)"
target/release/examples/hello "$hello_port" & pids+=($!)
sipe_port="$(free_port)"
SIPE_LOG=warn target/release/sipe --data-dir "$tmp/data" demo --port "$sipe_port" >"$tmp/demo.log" 2>&1 & pids+=($!)
wait_up "http://127.0.0.1:$hello_port/"
wait_up "http://127.0.0.1:$sipe_port/healthz"

curl -fs -c "$tmp/cookies" -o /dev/null -d 'username=admin&password=sipe-demo-admin&next=/' "http://127.0.0.1:$sipe_port/login" || true
session="$(awk '$6 == "sipe_session" {print $7}' "$tmp/cookies")"
[[ -n "$session" ]] || { echo "login failed"; exit 1; }
curl -fs -o /dev/null -H "Cookie: sipe_session=$session" "http://127.0.0.1:$sipe_port/" || { echo "dashboard not reachable"; exit 1; }

measure() {
  local name="$1" url="$2"; shift 2
  local out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")"
  local rps p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  printf '| %s | %s | %s |\n' "$name" "$rps" "$p99"
}

echo
echo "| endpoint | requests/s | p99 |"
echo "|---|---|---|"
measure "axum hello-world (baseline)" "http://127.0.0.1:$hello_port/"
measure "sipe GET /login" "http://127.0.0.1:$sipe_port/login"
measure "sipe GET / (admin dashboard, session cookie)" "http://127.0.0.1:$sipe_port/" -H "Cookie: sipe_session=$session"

# Start time on the existing database: from exec to the first 200 of /healthz.
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
port="$(free_port)"
start_ns=$(date +%s%N)
target/release/sipe --data-dir "$tmp/data" serve --bind "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 & pids+=($!)
wait_up "http://127.0.0.1:$port/healthz"
end_ns=$(date +%s%N)
echo
echo "start time on an existing database (exec to first /healthz 200): $(( (end_ns - start_ns) / 1000000 )) ms"
