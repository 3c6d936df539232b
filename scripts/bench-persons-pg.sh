#!/usr/bin/env bash
# Person registry on PostgreSQL (issue #3): import N generated people with sipe beside a
# raw COPY of the same rows into a bare table, then the same name queries through sipe's
# index and through PostgreSQL with pg_trgm + unaccent GIN indexes. Release build; needs a
# PostgreSQL server (PG_URL, default postgres://postgres@127.0.0.1:5432) with the
# pg_trgm and unaccent extensions available (Debian's postgresql package has them).
#
#   scripts/bench-persons-pg.sh            # N=1000000
#   N=100000 PG_QUERIES=100 scripts/bench-persons-pg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_QUERIES="${PG_QUERIES:-200}"
cargo build --release --bin sipe --example search_bench
bin=target/release/sipe
tmp="$(mktemp -d)"
db="sipe_bench_$$"
url="$PG_URL/$db"
cleanup() {
  psql -q "$PG_URL/postgres" -c "drop database if exists $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
psql -q "$PG_URL/postgres" -c "create database $db"

# The demo network (offices covering Tucumán) without demo people.
"$bin" --database-url "$url" --data-dir "$tmp/data" demo --port 0 --persons 0 >"$tmp/demo.log" 2>&1 &
pid=$!
for _ in $(seq 150); do grep -q "log in with" "$tmp/demo.log" 2>/dev/null && break; sleep 0.2; done
kill "$pid"; wait "$pid" 2>/dev/null || true

"$bin" generate persons --count "$N" --seed 1 --out "$tmp/personas.csv"
echo "sipe import of $N people into PostgreSQL (validation + storage + indexing):"
/usr/bin/time -f "  wall %e s, max RSS %M KiB" \
  "$bin" --database-url "$url" --data-dir "$tmp/data" import persons "$tmp/personas.csv"

cols="$(head -1 "$tmp/personas.csv" | sed 's/,/ text, /g') text"
psql -q "$url" -c "create table bare_copy_logged ($cols)"
echo "raw COPY of the same file into a bare table (no validation, no indexes):"
start=$(date +%s%N)
psql -q "$url" -c "\\copy bare_copy_logged from '$tmp/personas.csv' csv header"
end=$(date +%s%N)
echo "  wall $(( (end - start) / 1000000 )) ms"

echo "pg_trgm + unaccent GIN index on the folded names:"
psql -q "$url" <<'SQL'
create extension if not exists pg_trgm;
create extension if not exists unaccent;
create or replace function f_unaccent(text) returns text
  language sql immutable parallel safe as $$ select public.unaccent('public.unaccent', $1) $$;
\timing on
create index persons_name_trgm on persons using gin (f_unaccent(lower(surnames || ' ' || names)) gin_trgm_ops);
SQL

echo "sipe search (in process, same data):"
SIPE_DATABASE_URL="$url" SIPE_BENCH_QUERIES_OUT="$tmp/queries.txt" \
  target/release/examples/search_bench "$tmp/data" 2000

echo "the first $PG_QUERIES of those name queries through pg_trgm (similarity, top 25):"
cat >"$tmp/trgm.py" <<'PY'
import sys
name = "f_unaccent(lower(surnames || ' ' || names))"
print("\\timing on")
for q in sys.stdin:
    q = q.strip().replace("'", "''")
    typed = f"f_unaccent(lower('{q}'))"
    print(f"select id from persons where {name} % {typed} order by similarity({name}, {typed}) desc limit 25;")
PY
head -n "$PG_QUERIES" "$tmp/queries.txt" | python3 "$tmp/trgm.py" >"$tmp/trgm.sql"
psql -q -o /dev/null "$url" -f "$tmp/trgm.sql" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n >"$tmp/trgm.times"
python3 - "$tmp/trgm.times" <<'PY'
import sys
t = [float(x) for x in open(sys.argv[1]) if x.strip()]
p = lambda q: t[min(len(t) - 1, round((len(t) - 1) * q))]
print(f"  pg_trgm: {len(t)} queries, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {t[-1]:.1f} ms")
PY
