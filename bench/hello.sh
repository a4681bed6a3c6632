#!/usr/bin/env bash
# Hello-world throughput / latency / memory: NANO vs workerd, deno, bun.
#
#   bench/hello.sh                      # all runtimes, wrk -t1 -c32 -d10s
#   DURATION=3s RUNTIMES="deno bun" bench/hello.sh
#
# Env: DURATION (10s), THREADS (1), CONNECTIONS (32), WARMUP (2s; 0 = none),
#      RUNTIMES ("nano workerd deno bun"), NANO_BIN, NANO_BUILD (1; 0 = never build)
set -euo pipefail
BENCH_NAME=hello
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

DURATION=${DURATION:-10s}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-2s}
RUNTIMES=${RUNTIMES:-nano workerd deno bun}
START_TIMEOUT=${START_TIMEOUT:-30}

command -v wrk >/dev/null || { log "wrk not installed: run bench/setup.sh"; exit 1; }
command -v curl >/dev/null || { log "curl not installed: run bench/setup.sh"; exit 1; }

BENCH_TMP=$(mktemp -d /tmp/nano-bench-hello.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW_DIR="$RESULTS_DIR/raw/hello-$STAMP"
mkdir -p "$RAW_DIR"

for rt in $RUNTIMES; do
  res="$BENCH_TMP/$rt.json"
  port=$(free_port)
  logf="$RAW_DIR/$rt.server.log"
  log "=== $rt (port $port)"
  if ! hello_cmd "$rt" "$port"; then
    log "SKIP $rt: $SKIP_REASON"
    printf '{"runtime":"%s","skipped":"%s"}\n' "$rt" "$SKIP_REASON" >"$res"
    continue
  fi
  start_bg "$logf" "${CMD[@]}"
  pid=$START_PID
  if ! wait_http "$port" "$pid" "$START_TIMEOUT"; then
    log "FAIL $rt: did not come up; last log lines:"; tail -n 20 "$logf" >&2 || true
    printf '{"runtime":"%s","skipped":"did not answer within %ss"}\n' "$rt" "$START_TIMEOUT" >"$res"
    stop_pid "$pid"; continue
  fi
  lpid=$(listener_pid "$port"); lpid=${lpid:-$pid}
  [[ $lpid == "$pid" ]] || log "note: listener pid $lpid differs from launched pid $pid (memory counts the whole session)"

  body=$(curl -s --max-time 5 -w '|%{http_code}' "http://127.0.0.1:$port/" || true)
  if [[ $body != $'Hello World\n|200' ]]; then
    log "FAIL $rt: unexpected response: $(printf '%q' "$body")"
    printf '{"runtime":"%s","skipped":"wrong response body"}\n' "$rt" >"$res"
    stop_pid "$pid"; continue
  fi

  bg_helper python3 "$BENCH_DIR/lib/procmem.py" "$pid" "$BENCH_TMP/$rt.mem.json" 0.05
  mempid=$HELPER_PID

  if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
    run_helper timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
  fi
  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  if ! run_helper timeout 900 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/" >"$RAW_DIR/$rt.wrk.txt" 2>&1; then
    log "wrk failed for $rt"; cat "$RAW_DIR/$rt.wrk.txt" >&2 || true
  fi
  alive=1; kill -0 "$pid" 2>/dev/null || alive=0

  kill -TERM "$mempid" 2>/dev/null || true
  wait "$mempid" 2>/dev/null || true
  forget_helper "$mempid"
  stop_pid "$pid"

  python3 - "$rt" "$RAW_DIR/$rt.wrk.txt" "$BENCH_TMP/$rt.mem.json" "$alive" "$(runtime_version "$rt" || true)" "$BENCH_DIR/lib" >"$res" <<'PY'
import json, sys
rt, wrk_file, mem_file, alive, version, lib = sys.argv[1:7]
sys.path.insert(0, lib)
import wrkparse
r = wrkparse.parse(open(wrk_file).read())
try:
    mem = json.load(open(mem_file))
except (OSError, ValueError):
    mem = {}
r.update(runtime=rt, version=version, alive_after=alive == "1",
         peak_mb=(mem.get("peak_kb", 0) / 1024) or None, mem=mem)
print(json.dumps(r))
PY
  log "$rt: $(cat "$res")"
done

OUT="$RESULTS_DIR/hello-$STAMP.md"
python3 "$BENCH_DIR/lib/wrktable.py" "$BENCH_TMP" "$RUNTIMES" --memory >"$OUT.table"

{
  echo "# hello-world benchmark ($STAMP)"
  echo
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` after a ${WARMUP} warm-up, same machine, 127.0.0.1"
  machine_info
  echo "- raw output: bench/results/raw/hello-$STAMP/"
  echo "- NANO ratio = nano req/s / runtime req/s (>1 means NANO is faster)"
  echo
  cat "$OUT.table"
} >"$OUT"
rm -f "$OUT.table"
cat "$OUT"
log "wrote $OUT"
