#!/usr/bin/env bash
# Person registry benchmark (issue #3): generate N people, import them into a fresh
# SQLite data dir (validation, storage and indexing), then measure search latency in
# process. Release build.
#
#   scripts/bench-persons.sh              # N=1000000
#   N=100000 scripts/bench-persons.sh
#   HTTP=1 scripts/bench-persons.sh       # also search over HTTP and the server's RSS
#                                         # (scripts/bench-persons-http.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000000}"
cargo build --release --bin sipe --example search_bench
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin=target/release/sipe
data="$tmp/data"

# The demo network (offices covering Tucumán) without demo people.
"$bin" --data-dir "$data" demo --port 0 --persons 0 >"$tmp/demo.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "log in with" "$tmp/demo.log" 2>/dev/null && break; sleep 0.2; done
kill "$pid"; wait "$pid" 2>/dev/null || true

"$bin" generate persons --count "$N" --seed 1 --out "$tmp/personas.csv"
echo "import of $N people (SQLite, validation + storage + indexing):"
RUST_LOG="${RUST_LOG:-info}" /usr/bin/time -f "  wall %e s, max RSS %M KiB" \
  "$bin" --data-dir "$data" import persons "$tmp/personas.csv"
"$bin" --data-dir "$data" check
du -sh "$data/sipe.db" "$data/index" | sed 's/^/  size /'
SIPE_BENCH_QUERIES_OUT="$tmp/queries.txt" target/release/examples/search_bench "$data" 2000
if [[ -n "${HTTP:-}" ]]; then
  scripts/bench-persons-http.sh "$data" "$tmp/queries.txt"
fi
