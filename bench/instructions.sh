#!/usr/bin/env bash
# Instructions per request for the hello app, counted by callgrind: repeatable on a busy
# machine where req/s is not, so this is the A/B measure for changes on the request path.
#
#   bench/instructions.sh                      # target/release/nanod
#   NANO_BIN=/path/to/other/nanod bench/instructions.sh
#
# Runs `nanod serve apps/hello.js --threads 1` under callgrind twice (200 and 1,200
# keep-alive requests) and prints the difference per request, so start-up and shutdown
# cancel out. Needs valgrind (apt install valgrind) and python3.
set -euo pipefail
BENCH_NAME=instructions
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

command -v valgrind >/dev/null || { log "valgrind not installed"; exit 1; }
ensure_nanod || exit 1
BENCH_TMP=$(mktemp -d /tmp/nano-bench-instructions.XXXXXX)
trap cleanup_all EXIT

# count N -> total instructions of a server run that answered N requests
count() {
  local n=$1 port out pid
  port=$(free_port)
  out="$BENCH_TMP/callgrind.$n"
  # NANO_NO_REEXEC: serve re-execs itself once (for huge pages), which callgrind would
  # not follow.
  NANO_NO_REEXEC=1 setsid valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$NANO_BIN" serve "$BENCH_DIR/apps/hello.js" --listen "127.0.0.1:$port" --threads 1 \
    >"$BENCH_TMP/server.$n.log" 2>&1 </dev/null &
  pid=$!
  STARTED_PIDS+=("$pid")
  wait_http "$port" "$pid" 120 || { log "server did not start"; exit 1; }
  python3 - "$port" "$n" <<'PY'
import http.client, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("GET", "/")
    c.getresponse().read()
PY
  stop_pid "$pid"
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

a=$(count 200)
b=$(count 1200)
echo "$NANO_BIN: $(( (b - a) / 1000 )) instructions per request (callgrind, 1 loop thread, keep-alive)"
