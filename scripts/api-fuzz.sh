#!/usr/bin/env bash
# The API contract: schemathesis reads /api/v1/openapi.json from a running sipe and
# sends generated requests to every operation, as an admin and as an office operator,
# checking that no answer is a server error, that every status is documented and that
# every body matches its schema.
#
#   scripts/api-fuzz.sh BASE_URL DATA_DIR        (scripts/browser-tests.sh calls it)
#
# Needs the server's data dir to make the two API tokens with `sipe token create`.
# Env: SIPE_BIN (default target/debug/sipe), API_FUZZ_EXAMPLES (default 30),
# API_FUZZ_SEED (default fixed, so CI is repeatable; change it to explore).
# One worker: with two threads, Python 3.11's AST conversion (hypothesis compiles code
# as it generates) shares its recursion counter between them and fails at random with
# "AST constructor recursion depth mismatch", a runtime error that is no finding.
set -euo pipefail
cd "$(dirname "$0")/.."

base_url="$1"
data_dir="$2"
SIPE_BIN="${SIPE_BIN:-target/debug/sipe}"
examples="${API_FUZZ_EXAMPLES:-30}"
seed="${API_FUZZ_SEED:-20261129}"

venv="target/schemathesis-venv"
if [[ ! -x "$venv/bin/schemathesis" ]] ||
   ! cmp -s tests/api/requirements.txt "$venv/requirements.txt"; then
  echo "api-fuzz: installing schemathesis (tests/api/requirements.txt)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/api/requirements.txt
  cp tests/api/requirements.txt "$venv/requirements.txt"
fi

status=0
for user in admin operador; do
  token="$("$SIPE_BIN" --data-dir "$data_dir" token create --username "$user" --name api-fuzz)"
  echo "api-fuzz: as $user"
  "$venv/bin/schemathesis" run "$base_url/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" --seed "$seed" --workers 1 \
    --warnings off || status=$?
done
exit "$status"
