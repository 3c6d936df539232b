#!/usr/bin/env bash
# Training benchmarks of issue #15:
#  - bulk enrolment of 10,000 people into one cohort of 500 places on SQLite: the
#    check of the list and its confirmed enrolment (examples/bulk_enrol_bench.rs, on a
#    demo data dir of 20,000 people);
#  - a certificate's PDF, p50/p99 of one render, and a cohort of 1,000 as one document
#    and as a ZIP (examples/certificate_bench.rs, no database);
#  - the public verification page and its JSON over HTTP, requests/s and p99, beside a
#    minimal axum hello-world measured in the same run on the same machine.
#
#   scripts/bench-training.sh            # 10 s per endpoint, 2 threads, 32 connections
#   DURATION=30s scripts/bench-training.sh
#
# Needs wrk (installed from Debian if missing). Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release --bin sipe --example hello --example certificate_bench --example bulk_enrol_bench

bulk="$(mktemp -d)"
echo "== bulk enrolment (seeding a demo of 20,000 people in $bulk)"
SIPE_LOG=warn target/release/sipe --data-dir "$bulk" demo --persons 20000 --no-serve >/dev/null
target/release/examples/bulk_enrol_bench "$bulk" 10000 500
rm -rf "$bulk"

echo "== certificate PDFs"
target/release/examples/certificate_bench 500 1000

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

hello_port="$(free_port)"
target/release/examples/hello "$hello_port" & pids+=($!)
sipe_port="$(free_port)"
# The per-address limit of public lookups would answer wrk with 429s: lifted here.
SIPE_PUBLIC_LOOKUPS_PER_MINUTE=1000000000 SIPE_LOG=warn \
  target/release/sipe --data-dir "$tmp/data" demo --port "$sipe_port" >"$tmp/demo.log" 2>&1 & pids+=($!)
wait_up "http://127.0.0.1:$hello_port/"
wait_up "http://127.0.0.1:$sipe_port/readyz"

code="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select code from training_certificates where status='valid' limit 1\").fetchone()[0])" "$tmp/data/sipe.db")"
curl -fs -o /dev/null "http://127.0.0.1:$sipe_port/verificar/$code" || { echo "verification page not reachable"; exit 1; }

measure() {
  local name="$1" url="$2"; shift 2
  local out rps p99 non2xx
  out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  printf '| %s | %s | %s | %s |\n' "$name" "$rps" "$p99" "${non2xx:-0}"
}

echo
echo "| endpoint | requests/s | p99 | non-2xx |"
echo "|---|---|---|---|"
measure "axum hello-world (baseline)" "http://127.0.0.1:$hello_port/"
measure "sipe GET /verificar/{code}" "http://127.0.0.1:$sipe_port/verificar/$code"
measure "sipe GET /api/v1/certificates/{code}" "http://127.0.0.1:$sipe_port/api/v1/certificates/$code"
