#!/usr/bin/env bash
# Proxy throughput: an app that answers every request with `return fetch(UPSTREAM)`,
# on NANO and on deno, against the same upstream (nanod serving apps/hello.js).
#
#   bench/proxy.sh                      # wrk -t1 -c32 -d10s against each proxy
#   DURATION=3s RUNTIMES=nano bench/proxy.sh
#
# Env: DURATION (10s), THREADS (1), CONNECTIONS (32), WARMUP (2s; 0 = none),
#      RUNTIMES ("nano deno"), UPSTREAM_THREADS (1), NANO_BIN, NANO_BUILD (1; 0 = never build)
#
# Everything shares this machine's cores: wrk, the proxy and the upstream. The numbers
# compare the proxies with each other, not with bench/hello.sh.
set -euo pipefail
BENCH_NAME=proxy
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

DURATION=${DURATION:-10s}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-2s}
RUNTIMES=${RUNTIMES:-nano deno}
UPSTREAM_THREADS=${UPSTREAM_THREADS:-1}
START_TIMEOUT=${START_TIMEOUT:-30}

command -v wrk >/dev/null || { log "wrk not installed: run bench/setup.sh"; exit 1; }
command -v curl >/dev/null || { log "curl not installed: run bench/setup.sh"; exit 1; }
ensure_nanod || { log "the upstream needs nanod"; exit 1; }

BENCH_TMP=$(mktemp -d /tmp/nano-bench-proxy.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW_DIR="$RESULTS_DIR/raw/proxy-$STAMP"
mkdir -p "$RAW_DIR"

# The upstream: NANO's hello app on its own loop thread(s).
up_port=$(free_port)
start_bg "$RAW_DIR/upstream.log" "$NANO_BIN" serve "$BENCH_DIR/apps/hello.js" \
  --listen "127.0.0.1:$up_port" --threads "$UPSTREAM_THREADS"
up_pid=$START_PID
wait_http "$up_port" "$up_pid" "$START_TIMEOUT" || { log "upstream did not come up"; exit 1; }
UPSTREAM="http://127.0.0.1:$up_port/"
log "upstream $UPSTREAM (nanod, $UPSTREAM_THREADS thread(s))"

# The same module for both runtimes (deno serve takes `export default { fetch }` too).
APP="$BENCH_TMP/proxy.js"
printf 'export default { fetch: () => fetch(%s) };\n' "\"$UPSTREAM\"" >"$APP"
cp "$APP" "$RAW_DIR/proxy.js"

for rt in $RUNTIMES; do
  res="$BENCH_TMP/$rt.json"
  port=$(free_port)
  logf="$RAW_DIR/$rt.server.log"
  log "=== $rt (port $port)"
  case $rt in
    nano)
      CMD=("$NANO_BIN" serve "$APP" --listen "127.0.0.1:$port")
      if [[ -n ${NANO_THREADS:-} ]]; then CMD+=(--threads "$NANO_THREADS"); fi ;;
    deno)
      b=$(peer_bin deno)
      if [[ -z $b ]]; then
        log "SKIP deno: not installed (run bench/setup.sh)"
        printf '{"runtime":"deno","skipped":"not installed"}\n' >"$res"; continue
      fi
      CMD=("$b" serve --allow-net --port "$port" --host 127.0.0.1 "$APP") ;;
    *) log "SKIP $rt: unknown"; printf '{"runtime":"%s","skipped":"unknown"}\n' "$rt" >"$res"; continue ;;
  esac
  start_bg "$logf" "${CMD[@]}"
  pid=$START_PID
  if ! wait_http "$port" "$pid" "$START_TIMEOUT"; then
    log "FAIL $rt: did not come up"; tail -n 20 "$logf" >&2 || true
    printf '{"runtime":"%s","skipped":"did not answer"}\n' "$rt" >"$res"
    stop_pid "$pid"; continue
  fi
  body=$(curl -s --max-time 5 -w '|%{http_code}' "http://127.0.0.1:$port/" || true)
  if [[ $body != $'Hello World\n|200' ]]; then
    log "FAIL $rt: unexpected response: $(printf '%q' "$body")"
    printf '{"runtime":"%s","skipped":"wrong response body"}\n' "$rt" >"$res"
    stop_pid "$pid"; continue
  fi
  if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
    run_helper timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
  fi
  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  run_helper timeout 900 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    "http://127.0.0.1:$port/" >"$RAW_DIR/$rt.wrk.txt" 2>&1 || log "wrk failed for $rt"
  stop_pid "$pid"
  python3 - "$rt" "$RAW_DIR/$rt.wrk.txt" "$(runtime_version "$rt" || true)" "$BENCH_DIR/lib" >"$res" <<'PY'
import json, sys
rt, wrk_file, version, lib = sys.argv[1:5]
sys.path.insert(0, lib)
import wrkparse
r = wrkparse.parse(open(wrk_file).read())
r.update(runtime=rt, version=version)
print(json.dumps(r))
PY
  log "$rt: $(cat "$res")"
done

OUT="$RESULTS_DIR/proxy-$STAMP.md"
python3 "$BENCH_DIR/lib/wrktable.py" "$BENCH_TMP" "$RUNTIMES" --label proxy >"$OUT.table"

{
  echo "# proxy benchmark ($STAMP)"
  echo
  echo "- app: \`export default { fetch: () => fetch(UPSTREAM) }\`; upstream: nanod serving apps/hello.js ($UPSTREAM_THREADS thread(s))"
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` after a ${WARMUP} warm-up, same machine, 127.0.0.1"
  machine_info
  echo "- raw output: bench/results/raw/proxy-$STAMP/"
  echo
  cat "$OUT.table"
} >"$OUT"
rm -f "$OUT.table"
cat "$OUT"
log "wrote $OUT"
