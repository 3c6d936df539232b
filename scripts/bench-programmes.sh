#!/usr/bin/env bash
# Programmes benchmarks (issue #16), release build:
#  - who is eligible for a programme with five criteria, counted per office over N
#    registered people (default 1,000,000) on SQLite;
#  - a monthly payment run of R active beneficiaries with certified attendance
#    (default 100,000), and its payment files (CSV and fixed width), on SQLite and, with
#    PG=1, on PostgreSQL (R people imported there).
#
#   scripts/bench-programmes.sh                 # N=1000000 R=100000
#   N=200000 R=50000 PG=1 scripts/bench-programmes.sh
#
# The people come from `sipe generate persons` and `sipe import persons` (the import is
# timed by scripts/bench-persons.sh, not here).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000000}"
R="${R:-100000}"
cargo build --release --bin sipe --example programmes_bench
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin=target/release/sipe

network() {
  # The demo network (offices covering Tucumán) without demo people.
  "$bin" "$@" demo --port 0 --persons 0 >"$tmp/demo.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do grep -q "log in with" "$tmp/demo.log" 2>/dev/null && break; sleep 0.2; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

"$bin" generate persons --count "$N" --seed 1 --out "$tmp/personas.csv"
network --data-dir "$tmp/sqlite"
SIPE_LOG=warn "$bin" --data-dir "$tmp/sqlite" import persons "$tmp/personas.csv" >/dev/null
echo "== SQLite, $N people"
/usr/bin/time -f "  process: wall %e s, max RSS %M KiB" \
  target/release/examples/programmes_bench "$tmp/sqlite" "$R"

if [[ -n "${PG:-}" ]]; then
  PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
  db="sipe_bench_programmes_$$"
  url="$PG_URL/$db"
  psql -q "$PG_URL/postgres" -c "create database $db"
  head -n "$((R + 1))" "$tmp/personas.csv" >"$tmp/personas-r.csv"
  network --database-url "$url" --data-dir "$tmp/pg"
  SIPE_LOG=warn "$bin" --database-url "$url" --data-dir "$tmp/pg" import persons "$tmp/personas-r.csv" >/dev/null
  echo "== PostgreSQL, $R people"
  SIPE_DATABASE_URL="$url" /usr/bin/time -f "  process: wall %e s, max RSS %M KiB" \
    target/release/examples/programmes_bench "$tmp/pg" "$R"
  psql -q "$PG_URL/postgres" -c "drop database if exists $db"
fi
