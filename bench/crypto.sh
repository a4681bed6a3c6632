#!/usr/bin/env bash
# Web Crypto operations per second: bench/crypto.js in `nanod run` and in deno, one
# operation at a time (each awaited), ~1 s per operation. Prints a table of ops/s and
# the NANO/deno ratio, and writes it to bench/results/crypto-<date>.md. The runtimes take
# turns for ROUNDS rounds and each operation keeps its best round, which evens out load
# from other processes on a shared machine.
#
#   bench/crypto.sh
#
# Env: NANO_BIN, NANO_BUILD (1; 0 = never build), DENO_BIN (bench/.peers' deno),
#      ROUNDS (3), TIMEOUT (300 s per runtime and round)
set -euo pipefail
BENCH_NAME=crypto
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

TIMEOUT=${TIMEOUT:-300}
ROUNDS=${ROUNDS:-3}
[[ $TIMEOUT =~ ^[0-9]+$ ]] || { log "TIMEOUT must be whole seconds"; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 && $ROUNDS -le 20 ]] || { log "ROUNDS must be 1..20"; exit 2; }
BENCH_TMP=$(mktemp -d /tmp/nano-bench-crypto.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW_DIR="$RESULTS_DIR/raw/crypto-$STAMP"
mkdir -p "$RAW_DIR"
SCRIPT="$BENCH_DIR/crypto.js"
DENO_BIN=${DENO_BIN:-$PEER_BIN/deno}

if [[ ! -x $NANO_BIN && ${NANO_BUILD:-1} != 0 ]]; then
  log "building nanod (release)"
  (cd "$ROOT_DIR" && cargo build --release -p nanod) >&2
fi
[[ -x $NANO_BIN ]] || log "SKIP nano: no $NANO_BIN"
[[ -x $DENO_BIN ]] || log "SKIP deno: not installed (bench/setup.sh)"
: >"$RAW_DIR/nano.jsonl"
: >"$RAW_DIR/deno.jsonl"
for ((round = 1; round <= ROUNDS; round++)); do
  if [[ -x $NANO_BIN ]]; then
    log "=== nano, round $round"
    run_helper timeout --kill-after=10 "$TIMEOUT" "$NANO_BIN" run "$SCRIPT" >>"$RAW_DIR/nano.jsonl" || log "nano: error (see $RAW_DIR/nano.jsonl)"
  fi
  if [[ -x $DENO_BIN ]]; then
    log "=== deno, round $round"
    run_helper timeout --kill-after=10 "$TIMEOUT" "$DENO_BIN" run --quiet --no-config "$SCRIPT" >>"$RAW_DIR/deno.jsonl" || log "deno: error (see $RAW_DIR/deno.jsonl)"
  fi
done

OUT="$RESULTS_DIR/crypto-$STAMP.md"
python3 - "$RAW_DIR" >"$OUT" <<'PY'
import json, os, sys
raw = sys.argv[1]
def load(name):
    ops, order = {}, []
    path = os.path.join(raw, name + ".jsonl")
    for line in open(path) if os.path.exists(path) else []:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if "op" in row:
            ops[row["op"]] = max(ops.get(row["op"], 0), row["ops"])  # best round
            if row["op"] not in order:
                order.append(row["op"])
    return ops, order
nano, order = load("nano")
deno, deno_order = load("deno")
for op in deno_order:
    if op not in order:
        order.append(op)
print("| operation | NANO ops/s | deno ops/s | NANO / deno |")  # best of the rounds
print("|---|---:|---:|---:|")
for op in order:
    a, b = nano.get(op), deno.get(op)
    ratio = f"{a / b:.2f}" if a and b else "n/a"
    print(f"| {op} | {a if a is not None else 'n/a'} | {b if b is not None else 'n/a'} | {ratio} |")
PY
cat "$OUT"
log "wrote $OUT"
