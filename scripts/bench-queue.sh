#!/usr/bin/env bash
# Counter queue benchmarks (issue #18), release build, on SQLite and on PostgreSQL:
#  - 47 offices x 10 counters each issuing, calling and finishing tickets over the API
#    (open loop at RATE ticket operations a second, default 600, for SECONDS, default
#    60) with one display per office following its server-sent-events stream: the rate
#    reached, p50/p95/p99 of each operation, and how long after each call's answer the
#    office's display got it (and calls it never got);
#  - STREAMS (default 1,000) display streams held open at once, with the server's RSS.
#
#   scripts/bench-queue.sh                       # SQLite, then PostgreSQL at 127.0.0.1
#   SKIP_PG=1 SECONDS_=30 RATE=800 scripts/bench-queue.sh
#   SKIP_SQLITE=1 RATE=500 scripts/bench-queue.sh  # PostgreSQL only
#   SKIP_BUILD=1 ...                             # the release build as it is
set -euo pipefail
cd "$(dirname "$0")/.."
OFFICES="${OFFICES:-47}"
COUNTERS="${COUNTERS:-10}"
RATE="${RATE:-600}"
DURATION="${SECONDS_:-60}"
STREAMS="${STREAMS:-1000}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release --bin sipe --example queue_bench
bin=target/release/sipe
bench=target/release/examples/queue_bench
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
rss() { awk '/^VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }

run() {
  local name="$1"; shift
  local dir="$tmp/$name"
  mkdir -p "$dir"
  echo
  echo "## $name"
  # An installation with the desks and their operators (no people: the queue is what
  # is measured).
  "$bin" --data-dir "$dir" "$@" migrate >/dev/null
  SIPE_DATABASE_URL="$url" "$bench" setup "$dir" "$dir/tokens" "$OFFICES" "$COUNTERS"
  local port; port="$(free_port)"
  # Every display of the test comes from this one address.
  SIPE_DISPLAY_STREAMS_PER_ADDRESS=5000 SIPE_LOG=warn "$bin" --data-dir "$dir" "$@" serve --bind "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local base="http://127.0.0.1:$port"
  wait_up "$base/healthz"
  "$bench" load "$base" "$dir/tokens" "$DURATION" "$RATE"
  echo
  echo "server RSS after the load: $(rss "$pid") (peak $(hwm "$pid"))"
  "$bench" streams "$base" "$OFFICES" "$STREAMS" 20 &
  local streams=$!
  sleep 8
  echo "server RSS with $STREAMS display streams open: $(rss "$pid") (peak $(hwm "$pid"))"
  "$bench" call "$base" "$dir/tokens"
  wait "$streams"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

[[ -n "${SKIP_SQLITE:-}" ]] || url="" run sqlite
if [[ -z "${SKIP_PG:-}" ]]; then
  db="sipe_bench_queue_$$"
  psql "$PG_ADMIN" -qc "CREATE DATABASE $db" >/dev/null
  trap 'psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; cleanup' EXIT
  url="${PG_ADMIN%/*}/$db" run postgresql --database-url "${PG_ADMIN%/*}/$db"
fi
