#!/usr/bin/env bash
# Streams: chunks/s through pipeThrough(new TransformStream()), and a 100 MB streamed
# response (MB/s and peak RSS) — NANO vs deno, side by side.
#
#   bench/streams.sh
#   RUNS=3 bench/streams.sh
#
# Env: RUNS (3: downloads per runtime, best kept), NANO_BIN, NANO_BUILD (1; 0 = never build)
set -euo pipefail
BENCH_NAME=streams
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

RUNS=${RUNS:-3}
START_TIMEOUT=${START_TIMEOUT:-30}
command -v curl >/dev/null || { log "curl not installed: run bench/setup.sh"; exit 1; }
ensure_nanod || exit 1
DENO=$(peer_bin deno)

BENCH_TMP=$(mktemp -d /tmp/nano-bench-streams.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM

echo "## streams ($(date -u +%Y-%m-%dT%H:%MZ))"
machine_info
echo
echo "### chunks/s through pipeThrough(new TransformStream())"
echo
echo "| runtime | chunks | ms | chunks/s |"
echo "|---|---|---|---|"
row() {  # row RUNTIME JSON
  python3 - "$1" "$2" <<'PY'
import json, sys
d = json.loads(sys.argv[2])
print(f"| {sys.argv[1]} | {d['chunks']} | {d['ms']} | {d['chunks_per_s']:,} |")
PY
}
nano_pipe=$("$NANO_BIN" run "$BENCH_DIR/apps/pipe-chunks.js")
row nano "$nano_pipe"
if [[ -n $DENO ]]; then
  deno_pipe=$("$DENO" run "$BENCH_DIR/apps/pipe-chunks.js")
  row deno "$deno_pipe"
  python3 - "$nano_pipe" "$deno_pipe" <<'PY'
import json, sys
n, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"\nnano/deno: {n['chunks_per_s'] / d['chunks_per_s']:.3f}")
PY
else
  echo "| deno | skipped: not installed (bench/setup.sh) | | |"
fi

echo
echo "### 100 MB response streamed from a ReadableStream (64 KiB chunks), read by curl"
echo
echo "| runtime | best MB/s | time s | peak RSS MB | RSS idle MB |"
echo "|---|---|---|---|---|"
for rt in nano deno; do
  port=$(free_port)
  case $rt in
    nano) cmd=("$NANO_BIN" serve "$BENCH_DIR/apps/stream-100mb.js" --listen "127.0.0.1:$port" --threads 1) ;;
    deno) [[ -n $DENO ]] || { echo "| deno | skipped: not installed | | | |"; continue; }
          cmd=("$DENO" serve --port "$port" --host 127.0.0.1 "$BENCH_DIR/apps/stream-100mb.js") ;;
  esac
  start_bg "$BENCH_TMP/$rt.log" "${cmd[@]}"
  pid=$START_PID
  # The readiness probe reads the whole 100 MB once (a warm-up).
  wait_http "$port" "$pid" "$START_TIMEOUT" || { echo "| $rt | did not start | | | |"; stop_pid "$pid"; continue; }
  idle=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  best=0; best_t=0
  for ((i = 0; i < RUNS; i++)); do
    out=$(curl -s -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$port/")
    read -r size t <<<"$out"
    [[ $size == 104857600 ]] || { log "$rt: got $size bytes, expected 104857600"; continue; }
    mbs=$(python3 -c "print(round(100 / $t, 1))")
    if python3 -c "import sys; sys.exit(0 if $mbs > $best else 1)"; then best=$mbs; best_t=$t; fi
  done
  peak=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status")
  echo "| $rt | $best | $best_t | $peak | $idle |"
  stop_pid "$pid"
done
