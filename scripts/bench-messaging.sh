#!/usr/bin/env bash
# Messaging benchmarks (issue #17), release build, SQLite:
#  - an SMS campaign to N people (default 100,000) sent by `sipe serve` over SMPP to the
#    npm `smpp` server (tests/counterparts/smpp_server.mjs) at 500 messages/s: wall
#    time from the server's start to the SMSC holding every message, messages lost and
#    sent twice (counted at the SMSC), and the server's RSS sampled every half second;
#    then the same on a copy of the database with the server killed (SIGKILL) halfway
#    and started again;
#  - counting a segment's recipients per channel over C people (default 1,000,000).
#
#   scripts/bench-messaging.sh                    # N=100000 C=1000000
#   N=20000 C=200000 scripts/bench-messaging.sh
#   SKIP_COUNT=1 scripts/bench-messaging.sh       # the campaigns only
#   SKIP_KILL=1 SERVE_PREFIX="heaptrack -o /tmp/sipe" scripts/bench-messaging.sh
#                                                 # one campaign, the server profiled
#                                                 # (RSS then is the wrapper's, not sipe's)
#   SKIP_BUILD=1 ...                              # the release build as it is
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-100000}"
C="${C:-1000000}"
RATE="${RATE:-500}"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release --bin sipe --example messaging_bench
(cd tests/counterparts && [[ -d node_modules/smpp ]] || npm ci --no-audit --no-fund --silent)
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
bin=target/release/sipe

network() {
  # The demo network (offices covering Tucumán) without demo people.
  "$bin" "$@" demo --port 0 --persons 0 >"$tmp/demo.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do grep -q "log in with" "$tmp/demo.log" 2>/dev/null && break; sleep 0.2; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

registry() { # DIR COUNT
  "$bin" generate persons --count "$2" --seed 1 --out "$tmp/personas-$2.csv"
  network --data-dir "$1"
  SIPE_LOG=warn "$bin" --data-dir "$1" import persons "$tmp/personas-$2.csv" >/dev/null
}

smsc() { # starts a fresh SMSC; sets SMPP_PORT and SMSC_HTTP
  node tests/counterparts/smpp_server.mjs >"$tmp/smsc.out" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$tmp/smsc.out" ]] && break; sleep 0.1; done
  SMPP_PORT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["smpp"])' "$tmp/smsc.out")"
  SMSC_HTTP="http://127.0.0.1:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$tmp/smsc.out")"
}

stat() { curl -s "$SMSC_HTTP/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

config() { # writes $tmp/sipe.toml for the current SMSC
  cat >"$tmp/sipe.toml" <<EOF
[messaging]
approval_threshold = 10000000
[messaging.sms]
provider = "smpp"
host = "127.0.0.1"
port = $SMPP_PORT
system_id = "bench"
source_addr = "EmpleoTuc"
rate_per_second = $RATE
window = 20
EOF
}

serve() { # DIR; sets SERVER
  # shellcheck disable=SC2086 # the prefix is words
  SIPE_LOG=warn ${SERVE_PREFIX:-} "$bin" --data-dir "$1" --config "$tmp/sipe.toml" serve --bind 127.0.0.1:0 >>"$tmp/server.log" 2>&1 &
  SERVER=$!
  pids+=("$SERVER")
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Sends the campaign prepared in DIR; with KILL_AT, kills the server once the SMSC
# holds that many messages and starts it again.
campaign() { # DIR LABEL [KILL_AT]
  local dir="$1" label="$2" kill_at="${3:-}"
  smsc
  config
  local start=$SECONDS max_rss=0 samples=() killed="" last_n="" last_change=$SECONDS stalled=""
  local t0; t0=$(date +%s.%N)
  serve "$dir"
  while :; do
    local n; n=$(stat messages)
    local r; r=$(rss_kib "$SERVER")
    ((r > max_rss)) && max_rss=$r
    samples+=("$r")
    if [[ -n "$kill_at" && -z "$killed" && "$n" -ge "$kill_at" ]]; then
      kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
      killed="at $n messages"
      serve "$dir"
    fi
    [[ "$n" -ge "$N" ]] && break
    # A kill may leave a chunk in doubt (sent, unconfirmed, perhaps not at the SMSC):
    # once nothing more arrives for 30 s the run is over, short of N.
    if [[ "$n" != "${last_n:-}" ]]; then last_n=$n; last_change=$SECONDS; fi
    if ((SECONDS - last_change > 30)); then stalled=1; break; fi
    if ((SECONDS - start > 3600)); then echo "  $label: not done after an hour ($n messages)"; break; fi
    sleep 0.5
  done
  local t1; t1=$(date +%s.%N)
  # Stopped short: the wall time ends at the last arrival, not the 30 s of waiting.
  [[ -n "$stalled" ]] && t1=$(echo "$t1 - 30" | bc)
  sleep 3 # late duplicates would show here
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  local got dup rec
  got=$(stat messages); dup=$(stat duplicates); rec=$(stat recipients)
  local mid=$(( ${#samples[@]} / 2 ))
  printf '  %s: %d people, wall %.1f s (%.0f msg/s), at the SMSC %d messages, lost %d, sent twice %d; server RSS max %d MiB, mid-send %d MiB%s\n' \
    "$label" "$N" "$(echo "$t1 - $t0" | bc)" "$(echo "$rec / ($t1 - $t0)" | bc -l)" "$got" "$((N - rec))" "$dup" \
    "$((max_rss / 1024))" "$(( ${samples[$mid]} / 1024 ))" "${killed:+, killed $killed and restarted}"
}

echo "== SMS campaign over SMPP at $RATE messages/s, SQLite"
registry "$tmp/a" "$N"
# The campaign is launched with the settings it is sent with (the SMSC's port aside).
SMPP_PORT=1 config
SIPE_LOG=warn target/release/examples/messaging_bench prepare "$tmp/a" "$tmp/sipe.toml"
cp -r "$tmp/a" "$tmp/b"
campaign "$tmp/a" "straight"
[[ -n "${SKIP_KILL:-}" ]] || campaign "$tmp/b" "killed halfway" "$((N / 2))"

if [[ -z "${SKIP_COUNT:-}" ]]; then
  echo "== counting a segment's recipients, SQLite"
  rm -rf "$tmp/a" "$tmp/b"
  registry "$tmp/c" "$C"
  /usr/bin/time -f "  process: wall %e s, max RSS %M KiB" \
    target/release/examples/messaging_bench count "$tmp/c"
fi
