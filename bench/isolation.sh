#!/usr/bin/env bash
# Isolation under attack: the latency of a well-behaved app while a neighbour app in the
# same nanod process runs `while (true) {}` on every request (each stopped at its CPU
# limit with a 503), next to the same app's latency without the attack.
#
#   bench/isolation.sh            # wrk -t1 -c8 -d10s on the good app, twice
# Env: DURATION (10s), CONNECTIONS (8), ATTACKERS (4 connections hammering the spinner),
#      CPU_MS (50), NANO_THREADS (2)
set -euo pipefail
BENCH_NAME=isolation
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
ATTACKERS=${ATTACKERS:-4}
CPU_MS=${CPU_MS:-50}
NANO_THREADS=${NANO_THREADS:-2}

command -v wrk >/dev/null || { log "wrk not installed: run bench/setup.sh"; exit 1; }
ensure_nanod || exit 1

BENCH_TMP=$(mktemp -d /tmp/nano-bench-isolation.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
port=$(free_port)
mkdir -p "$BENCH_TMP/good" "$BENCH_TMP/spin"
echo 'export default { fetch() { return new Response("ok\n"); } };' >"$BENCH_TMP/good/index.js"
echo 'export default { fetch() { while (true) {} } };' >"$BENCH_TMP/spin/index.js"
cat >"$BENCH_TMP/nano.toml" <<TOML
listen = "127.0.0.1:$port"
threads = $NANO_THREADS
[apps.good]
main = "good/index.js"
routes = ["good.test/*", "127.0.0.1/*"]
[apps.spin]
main = "spin/index.js"
routes = ["spin.test/*"]
[apps.spin.limits]
cpu_ms = $CPU_MS
TOML

start_bg "$BENCH_TMP/server.log" "$NANO_BIN" serve --config "$BENCH_TMP/nano.toml"
pid=$START_PID
wait_http "$port" "$pid" 30 || { tail "$BENCH_TMP/server.log" >&2; exit 1; }

victim() {
  run_helper timeout 300 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "Host: good.test" "http://127.0.0.1:$port/" >"$BENCH_TMP/$1.wrk.txt" 2>&1 || true
  python3 "$BENCH_DIR/lib/wrkparse.py" <"$BENCH_TMP/$1.wrk.txt"
}

log "baseline: good app alone"
base=$(victim base)
log "attack: $ATTACKERS connections looping on the spinning app"
bg_helper timeout 600 wrk -t1 -c"$ATTACKERS" -d3600s -H "Host: spin.test" "http://127.0.0.1:$port/"
attacker=$HELPER_PID
sleep 1
under=$(victim attack)
spins=$(grep -c "CPU time limit exceeded" "$BENCH_TMP/server.log" || true)
kill -TERM "$attacker" 2>/dev/null || true
alive=yes; kill -0 "$pid" 2>/dev/null || alive=no
stop_pid "$pid"

python3 - "$base" "$under" "$spins" "$alive" "$CPU_MS" "$NANO_THREADS" <<'PY'
import json, sys
base, under = json.loads(sys.argv[1]), json.loads(sys.argv[2])
spins, alive, cpu, threads = sys.argv[3:7]
print(f"\nIsolation: good app latency with a neighbour spinning (cpu_ms={cpu}, threads={threads})\n")
print("| good app | req/s | p50 | p99 | non-2xx |")
print("|---|---:|---:|---:|---:|")
for name, r in (("alone", base), ("neighbour spinning", under)):
    print(f"| {name} | {r.get('rps', 0):,.0f} | {r.get('p50_ms', 0):.2f} ms | {r.get('p99_ms', 0):.2f} ms | {r.get('non2xx', 0)} |")
print(f"\nspinner requests stopped at the CPU limit during the run: {spins}; nanod alive after: {alive}")
PY
