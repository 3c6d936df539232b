#!/usr/bin/env bash
# Runs the database test suite against PostgreSQL at 127.0.0.1:5432 (user postgres):
# starts the server if it is down, creates a fresh database for the run (each test
# creates its own database from it), and drops everything afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER

if ! pg_isready -q; then
  echo "pg-tests: PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi

run_db="sipe_ci_$$"
cleanup() {
  dropdb --if-exists "$run_db" || true
  psql -d postgres -Atc "select datname from pg_database where datname like 'sipe_t_%'" |
    while read -r db; do dropdb --if-exists "$db" || true; done
}
trap cleanup EXIT
createdb "$run_db"

SIPE_TEST_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$run_db" cargo test --test it
