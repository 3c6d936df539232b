#!/usr/bin/env bash
# Browser end-to-end tests: starts the sipe demo server on a free local port
# with a throwaway data dir, then runs tests/browser/e2e.mjs against it
# (playwright-core + system Chromium + axe-core), the certificates it issued against
# pdftotext and their credentials against PyJWT (tests/counterparts), then the API
# contract test
# (scripts/api-fuzz.sh, schemathesis; SKIP_API_FUZZ=1 to leave it out).
#
#   cargo build && scripts/browser-tests.sh
#
# Env: SIPE_BIN (default target/debug/sipe, relative to the repo root),
# SCREENSHOT_DIR (default target/browser-screenshots: every page visited at 1280 and
# 390 px, kept by CI as an artifact), ADMIN_USER/ADMIN_PASS,
# OPERATOR_USER/OPERATOR_PASS (passed to e2e.mjs).
set -euo pipefail

cd "$(dirname "$0")/.."

SIPE_BIN="${SIPE_BIN:-target/debug/sipe}"
if [[ ! -x "$SIPE_BIN" ]]; then
  echo "browser-tests: server binary '$SIPE_BIN' not found; build it first with cargo build" >&2
  exit 1
fi

if [[ ! -x /usr/bin/chromium ]]; then
  echo "browser-tests: installing Chromium (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

if ! command -v pdftotext >/dev/null; then
  echo "browser-tests: installing poppler-utils (pdftotext, to read the certificates' PDFs)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
fi

# PyJWT and cryptography: the independent JOSE library the credentials are checked with.
venv="target/counterparts-venv"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s tests/counterparts/requirements.txt "$venv/requirements.txt"; then
  echo "browser-tests: creating $venv (tests/counterparts/requirements.txt)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/counterparts/requirements.txt
  cp tests/counterparts/requirements.txt "$venv/requirements.txt"
fi

if [[ ! -f tests/browser/node_modules/.package-lock.json ||
      tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]]; then
  echo "browser-tests: npm ci in tests/browser"
  (cd tests/browser && npm ci --no-audit --no-fund)
fi

if [[ ! -f tests/counterparts/node_modules/.package-lock.json ||
      tests/counterparts/package-lock.json -nt tests/counterparts/node_modules/.package-lock.json ]]; then
  echo "browser-tests: npm ci in tests/counterparts"
  (cd tests/counterparts && npm ci --no-audit --no-fund --silent)
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/sipe-browser.XXXXXX")"
log="$tmp/server.log"
mkdir "$tmp/data"
server_pid=""
smsc_pid=""
wa_pid=""
status=1

# SMS go over SMPP to an SMSC of another implementation, which sends delivery
# receipts and, when the flow asks, a person's BAJA or question; WhatsApp to a local
# server that speaks the Cloud API (signed webhooks, the 24-hour window); e-mail to
# the sink.
node tests/counterparts/smpp_server.mjs >"$tmp/smsc.json" &
smsc_pid=$!
for _ in $(seq 100); do [[ -s "$tmp/smsc.json" ]] && break; sleep 0.1; done
smpp_port="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["smpp"])' "$tmp/smsc.json")"
export SMSC_URL="http://127.0.0.1:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$tmp/smsc.json")"
node tests/counterparts/whatsapp_server.mjs >"$tmp/wa.json" &
wa_pid=$!
for _ in $(seq 100); do [[ -s "$tmp/wa.json" ]] && break; sleep 0.1; done
export WHATSAPP_URL="http://127.0.0.1:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$tmp/wa.json")"
wa_secret="wa-e2e-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'tok-e2e' >"$tmp/wa.token"
printf '%s' "$wa_secret" >"$tmp/wa.secret"
printf 'verify-e2e' >"$tmp/wa.verify"
# The phone line's webhook (the flow plays the PBX).
export CTI_TOKEN="cti-e2e-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$tmp/sipe.toml" <<EOF
cti_token = "$CTI_TOKEN"
[messaging]
[messaging.email]
provider = "sink"
[messaging.whatsapp]
provider = "cloud_api"
base_url = "$WHATSAPP_URL/v21.0"
phone_number_id = "1234567890"
token_file = "$tmp/wa.token"
app_secret_file = "$tmp/wa.secret"
verify_token_file = "$tmp/wa.verify"
rate_per_second = 50
[messaging.sms]
provider = "smpp"
host = "127.0.0.1"
port = $smpp_port
system_id = "sipe-demo"
source_addr = "EmpleoTuc"
rate_per_second = 200
EOF

cleanup() {
  if [[ -n "$smsc_pid" ]]; then kill "$smsc_pid" 2>/dev/null || true; fi
  if [[ -n "$wa_pid" ]]; then kill "$wa_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "$status" -ne 0 && -f "$log" ]]; then
    echo "---- server log (last 100 lines) ----" >&2
    tail -n 100 "$log" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "browser-tests: starting $SIPE_BIN demo on 127.0.0.1:$port (SMS over SMPP to $SMSC_URL)"
"$SIPE_BIN" --data-dir "$tmp/data" --config "$tmp/sipe.toml" demo --port "$port" </dev/null >"$log" 2>&1 &
server_pid=$!

base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + 120))
# /readyz turns 200 once the demo is seeded and the node's search index caught up.
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base_url/readyz" || true)" == 200 ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "browser-tests: the server exited before answering $base_url/readyz" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "browser-tests: $base_url/readyz did not answer 200 within 120 s" >&2
    exit 1
  fi
  sleep 0.5
done

# The WhatsApp server learns where sipe's webhook is, and checks its handshake.
wa_config="$(curl -s -X POST "$WHATSAPP_URL/control/config" -H 'content-type: application/json' \
  -d "{\"webhook\":\"$base_url/api/v1/messaging/webhooks/whatsapp\",\"app_secret\":\"$wa_secret\",\"verify_token\":\"verify-e2e\",\"token\":\"tok-e2e\",\"templates\":[],\"phone_number_id\":\"1234567890\"}")"
if [[ "$wa_config" != *'"handshake":true'* ]]; then
  echo "browser-tests: the WhatsApp server's handshake with sipe failed: $wa_config" >&2
  exit 1
fi

status=0
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/target/browser-screenshots}"
rm -rf "$SCREENSHOT_DIR"
BASE_URL="$base_url" CODES_FILE="$tmp/codes.json" node tests/browser/e2e.mjs || status=$?
echo "browser-tests: screenshots in $SCREENSHOT_DIR"
# The certificates the flow issued, read back with tools sipe does not use.
if [[ -f "$tmp/codes.json" ]]; then
  echo "browser-tests: certificates against pdftotext"
  BASE_URL="$base_url" CODES_FILE="$tmp/codes.json" python3 tests/counterparts/certificates.py || status=$?
  echo "browser-tests: Open Badges credentials against PyJWT"
  BASE_URL="$base_url" CODES_FILE="$tmp/codes.json" "$venv/bin/python" tests/counterparts/credentials.py || status=$?
else
  echo "browser-tests: the browser flow issued no certificates to check" >&2
  status=1
fi
# The API contract, against the same server (after the browser tests: it changes data).
if [[ "${SKIP_API_FUZZ:-}" != 1 ]]; then
  echo "browser-tests: API contract (schemathesis)"
  SIPE_BIN="$SIPE_BIN" scripts/api-fuzz.sh "$base_url" "$tmp/data" || status=$?
fi
exit "$status"
