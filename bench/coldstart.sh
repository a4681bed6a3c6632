#!/usr/bin/env bash
# Process cold start: time from spawning a runtime with the hello-world app
# until its first correct response ("Hello World\n"), repeated RUNS times.
# (Per-app cold start inside an already running process is in density.sh.)
#
#   bench/coldstart.sh
#   RUNS=20 RUNTIMES="nano deno" bench/coldstart.sh
#
# Env: RUNS (10), RUNTIMES ("nano workerd deno bun"), TIMEOUT (30 s per start),
#      NANO_BIN, NANO_BUILD (1; 0 = never build)
set -euo pipefail
BENCH_NAME=coldstart
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

RUNS=${RUNS:-10}
RUNTIMES=${RUNTIMES:-nano workerd deno bun}
TIMEOUT=${TIMEOUT:-30}
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 && $RUNS -le 1000 ]] || { log "RUNS must be 1..1000"; exit 2; }
[[ $TIMEOUT =~ ^[0-9]+$ ]] || { log "TIMEOUT must be whole seconds"; exit 2; }

BENCH_TMP=$(mktemp -d /tmp/nano-bench-coldstart.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW_DIR="$RESULTS_DIR/raw/coldstart-$STAMP"
mkdir -p "$RAW_DIR"

for rt in $RUNTIMES; do
  log "=== $rt: $RUNS starts"
  : >"$BENCH_TMP/$rt.jsonl"
  for ((i = 0; i < RUNS; i++)); do
    port=$(free_port)
    if ! hello_cmd "$rt" "$port"; then
      log "SKIP $rt: $SKIP_REASON"
      printf '{"skipped":"%s"}\n' "$SKIP_REASON" >"$BENCH_TMP/$rt.jsonl"
      break
    fi
    run_helper timeout --kill-after=10 $((TIMEOUT + 30)) \
      python3 "$BENCH_DIR/lib/density.py" --port "$port" --n 1 --label "$rt" \
        --out "$BENCH_TMP/one.json" --log "$RAW_DIR/$rt.server.log" --warm 0 \
        --timeout "$TIMEOUT" --host-fmt "127.0.0.1:$port" --body-fmt $'Hello World\n' \
        -- "${CMD[@]}" >/dev/null || log "$rt run $i: error (see $RAW_DIR/$rt.server.log)"
    if [[ -s $BENCH_TMP/one.json ]]; then
      python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$BENCH_TMP/one.json" >>"$BENCH_TMP/$rt.jsonl"
    fi
    rm -f "$BENCH_TMP/one.json"
  done
  cp "$BENCH_TMP/$rt.jsonl" "$RAW_DIR/$rt.jsonl"
done

OUT="$RESULTS_DIR/coldstart-$STAMP.md"
python3 - "$BENCH_TMP" "$RUNTIMES" "$RUNS" >"$OUT.table" <<'PY'
import json, os, statistics, sys
tmp, runtimes, runs = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])
f = lambda v, fmt: ("n/a" if v is None else fmt % v)
print("| runtime | ok runs | port open (median) | first response median | min | max | peak RSS MB (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
notes = []
for rt in runtimes:
    rows = []
    try:
        rows = [json.loads(l) for l in open(os.path.join(tmp, rt + ".jsonl")) if l.strip()]
    except OSError:
        pass
    if rows and rows[0].get("skipped"):
        print(f"| {rt} | skipped | | | | | |")
        notes.append(f"- {rt}: skipped: {rows[0]['skipped']}")
        continue
    good = [r for r in rows if not r.get("error") and r.get("ok") == 1]
    errs = [r.get("error") or "wrong body" for r in rows if r not in good]
    if errs:
        notes.append(f"- {rt}: {len(errs)} failed run(s), e.g. {errs[0]}")
    fa = [r["first_answer_s"] * 1000 for r in good]
    lo = [r["listen_s"] * 1000 for r in good]
    mem = [r["peak_mb"] for r in good]
    med = lambda xs: statistics.median(xs) if xs else None
    print("| %s | %d/%d | %s | %s | %s | %s | %s |" % (
        rt, len(good), runs, f(med(lo), "%.1f ms"), f(med(fa), "%.1f ms"),
        f(min(fa) if fa else None, "%.1f ms"), f(max(fa) if fa else None, "%.1f ms"),
        f(med(mem), "%.1f")))
print()
print("\n".join(notes))
PY
{
  echo "# process cold start ($STAMP)"
  echo
  echo "- time from spawning the runtime (hello.js) to its first correct response, $RUNS runs each"
  echo "- the client polls the port every 2 ms (connect attempts), then opens a keep-alive connection and sends GET /"
  machine_info
  echo "- raw output: bench/results/raw/coldstart-$STAMP/"
  echo
  cat "$OUT.table"
} >"$OUT"
rm -f "$OUT.table"
cat "$OUT"
log "wrote $OUT"
