# Shared helpers for the bench/*.sh scripts. Source it; don't run it.
# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
PEER_BIN="$BENCH_DIR/.peers/node_modules/.bin"
RESULTS_DIR="$BENCH_DIR/results"
NANO_BIN="${NANO_BIN:-$ROOT_DIR/target/release/nanod}"

# Peer runtimes keep their caches out of $HOME.
export DENO_NO_UPDATE_CHECK=1
export DENO_DIR="${DENO_DIR:-$BENCH_DIR/.peers/deno-dir}"
export BUN_INSTALL_CACHE_DIR="${BUN_INSTALL_CACHE_DIR:-$BENCH_DIR/.peers/bun-cache}"
export DO_NOT_TRACK=1
export PYTHONDONTWRITEBYTECODE=1

log() { printf '[%s] %s\n' "${BENCH_NAME:-bench}" "$*" >&2; }

# --- process bookkeeping ------------------------------------------------------
# Every server is started with `setsid` so that it leads its own process group;
# cleanup signals that group (the server and anything it forked), by id.
STARTED_PIDS=()

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do   # up to 5 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  # forget it, so cleanup never signals a recycled pid
  local keep=() p
  for p in "${STARTED_PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
  STARTED_PIDS=("${keep[@]}")
}

# Helpers (wrk, samplers, python clients) run in the background and are
# waited for, so a trapped INT/TERM interrupts the wait at once.
HELPER_PIDS=()

forget_helper() {
  local keep=() p
  for p in "${HELPER_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  HELPER_PIDS=("${keep[@]}")
}

# bg_helper CMD... -> starts it, sets HELPER_PID
bg_helper() {
  "$@" &
  HELPER_PID=$!
  HELPER_PIDS+=("$HELPER_PID")
}

# run_helper CMD... -> runs it in the background, waits, returns its status
run_helper() {
  local pid rc=0
  bg_helper "$@"
  pid=$HELPER_PID
  wait "$pid" || rc=$?
  forget_helper "$pid"
  return "$rc"
}

cleanup_all() {
  local pid
  for pid in "${HELPER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${HELPER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  HELPER_PIDS=()
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  STARTED_PIDS=()
  if [[ -n "${BENCH_TMP:-}" && -d "${BENCH_TMP:-}" && "${KEEP_TMP:-0}" != 1 ]]; then
    rm -rf "$BENCH_TMP"
  fi
}

# start_bg LOGFILE CMD... -> sets START_PID (the session leader == real binary)
start_bg() {
  local logfile=$1; shift
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  START_PID=$!
  STARTED_PIDS+=("$START_PID")
}

# a free TCP port on 127.0.0.1
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# wait_http PORT PID [TIMEOUT_S] -> 0 once http://127.0.0.1:PORT/ answers
wait_http() {
  local port=$1 pid=$2 timeout=${3:-30} i max
  max=$((timeout * 10))
  for ((i = 0; i < max; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "server (pid $pid) exited before answering on port $port"
      return 1
    fi
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
      return 0
    fi
    sleep 0.1
  done
  log "server did not answer on port $port within ${timeout}s"
  return 1
}

# pid of the process listening on 127.0.0.1:PORT (empty if unknown)
listener_pid() {
  local port=$1
  ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

# peer binary path or empty
peer_bin() {
  local name=$1
  if [[ -x "$PEER_BIN/$name" ]]; then echo "$PEER_BIN/$name"; fi
}

# Make sure target/release/nanod exists; build it (only via the one allowed
# command) when missing and NANO_BUILD != 0. Returns 1 if unavailable.
ensure_nanod() {
  if [[ -x "$NANO_BIN" ]]; then return 0; fi
  if [[ "${NANO_BUILD:-1}" == 0 ]]; then
    log "nanod not found at $NANO_BIN and NANO_BUILD=0"
    return 1
  fi
  log "nanod missing; building: cargo build --release -p nanod"
  if ! (cd "$ROOT_DIR" && cargo build --release -p nanod) >&2; then
    log "cargo build --release -p nanod failed"
    return 1
  fi
  [[ -x "$NANO_BIN" ]] || { log "build succeeded but $NANO_BIN is missing"; return 1; }
}

# hello_cmd RT PORT -> sets CMD (array) to serve apps/hello.js on 127.0.0.1:PORT,
# or returns 1 with SKIP_REASON set. Peers are run as their real binaries
# (no npm/node launcher in between), so the spawned pid is the server.
hello_cmd() {
  local rt=$1 port=$2 b apps="$BENCH_DIR/apps"
  CMD=()
  SKIP_REASON=""
  case $rt in
    nano)
      ensure_nanod || { SKIP_REASON="nanod not built"; return 1; }
      CMD=("$NANO_BIN" serve "$apps/hello.js" --listen "127.0.0.1:$port")
      # nanod defaults to one event-loop thread per core; NANO_THREADS pins it
      if [[ -n ${NANO_THREADS:-} ]]; then CMD+=(--threads "$NANO_THREADS"); fi ;;
    workerd)
      b=$(peer_bin workerd); [[ -n $b ]] || { SKIP_REASON="workerd not installed (run bench/setup.sh)"; return 1; }
      CMD=("$b" serve "$apps/workerd-hello.capnp" --socket-addr "http=127.0.0.1:$port") ;;
    deno)
      b=$(peer_bin deno); [[ -n $b ]] || { SKIP_REASON="deno not installed (run bench/setup.sh)"; return 1; }
      CMD=("$b" serve --port "$port" --host 127.0.0.1 "$apps/hello.js") ;;
    bun)
      b=$(peer_bin bun); [[ -n $b ]] || { SKIP_REASON="bun not installed (run bench/setup.sh)"; return 1; }
      CMD=(env "PORT=$port" "$b" "$apps/bun-hello.js") ;;
    *) SKIP_REASON="unknown runtime '$rt'"; return 1 ;;
  esac
}

runtime_version() {
  local rt=$1 b
  case $rt in
    nano) "$NANO_BIN" --version 2>/dev/null | head -n1 || echo "nanod" ;;
    *) b=$(peer_bin "$rt"); [[ -n $b ]] && "$b" --version 2>/dev/null | head -n1 ;;
  esac
}

machine_info() {
  printf -- '- machine: %s cores, %s, kernel %s\n' "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)" "$(uname -r)"
  printf -- '- cpu: %s\n' "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
}
