#!/usr/bin/env bash
# Multi-tenant density: N apps in one process.
#
#   bench/density.sh [N]          # N defaults to 1000
#   RUNTIMES=workerd CONC=4 bench/density.sh 200
#
# For each runtime: start the server on a config with N apps, request every
# app once (Host: appK.test, body must be exactly "app K"), and report
# time-to-ready, per-app first-request (in-process cold start) latency, a warm
# pass, and peak memory. A 1-app baseline run gives the marginal memory per app.
#
# Env: RUNTIMES ("nano workerd"), CONC (1 = sequential first requests, cleanest
#      cold-start latencies; >1 = that many concurrent keep-alive connections),
#      TIMEOUT (600: bound in seconds on each server run), BASELINE (1; 0 = skip
#      the 1-app run), NANO_THREADS (2), NANO_BIN, NANO_BUILD (1; 0 = never build)
set -euo pipefail
BENCH_NAME=density
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

N=${1:-${N:-1000}}
[[ $N =~ ^[0-9]+$ && $N -ge 1 && $N -le 100000 ]] || { log "N must be 1..100000"; exit 2; }
RUNTIMES=${RUNTIMES:-nano workerd}
CONC=${CONC:-1}
TIMEOUT=${TIMEOUT:-600}
BASELINE=${BASELINE:-1}
NANO_THREADS=${NANO_THREADS:-2}
[[ $CONC =~ ^[0-9]+$ && $CONC -ge 1 && $CONC -le 256 ]] || { log "CONC must be 1..256"; exit 2; }
[[ $TIMEOUT =~ ^[0-9]+$ ]] || { log "TIMEOUT must be whole seconds"; exit 2; }

BENCH_TMP=$(mktemp -d /tmp/nano-bench-density.XXXXXX)
trap cleanup_all EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW_DIR="$RESULTS_DIR/raw/density-$N-$STAMP"
mkdir -p "$RAW_DIR"

# run_one RT NAPPS TAG -> writes $BENCH_TMP/TAG.json
run_one() {
  local rt=$1 n=$2 tag=$3 res port dir b reason=""
  local -a cmd=()
  res="$BENCH_TMP/$tag.json"
  port=$(free_port)
  dir="$BENCH_TMP/$tag"
  log "=== $rt: $n app(s) (port $port)"
  python3 "$BENCH_DIR/lib/gen_apps.py" "$dir" "$n" "$port" "$NANO_THREADS"
  case $rt in
    nano)
      if ensure_nanod; then cmd=("$NANO_BIN" serve --config "$dir/nano.toml"); else reason="nanod not built"; fi ;;
    workerd)
      b=$(peer_bin workerd)
      if [[ -n $b ]]; then cmd=("$b" serve "$dir/workerd.capnp"); else reason="workerd not installed (bench/setup.sh)"; fi ;;
    *)
      reason="no in-process multi-app mode for $rt" ;;
  esac
  if ((${#cmd[@]} == 0)); then
    log "SKIP $rt: $reason"
    printf '{"label":"%s","skipped":"%s"}\n' "$rt" "$reason" >"$res"
    rm -rf "$dir"
    return 0
  fi
  # density.py spawns the server itself (so t=0 is the spawn), kills its
  # process group when done, and is itself bounded by TIMEOUT (+ slack).
  run_helper timeout --kill-after=10 $((TIMEOUT + 30)) \
    python3 "$BENCH_DIR/lib/density.py" --port "$port" --n "$n" --label "$rt" \
      --out "$res" --cwd "$dir" --log "$RAW_DIR/$tag.server.log" \
      --conc "$CONC" --timeout "$TIMEOUT" -- "${cmd[@]}" >/dev/null \
    || log "$rt: run reported an error (see $RAW_DIR/$tag.server.log)"
  if [[ ! -s $res ]]; then
    printf '{"label":"%s","error":"no result (killed by timeout?)"}\n' "$rt" >"$res"
  fi
  cp "$res" "$RAW_DIR/$tag.json"
  log "$tag: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print({k: r.get(k) for k in ("listen_s","first_answer_s","all_s","ok","bad","errors","first_ms","warm_ms","peak_mb","error","skipped")})' "$res")"
  rm -rf "$dir"
}

for rt in $RUNTIMES; do
  if [[ $BASELINE == 1 && $N -gt 1 ]]; then run_one "$rt" 1 "$rt-base"; fi
  run_one "$rt" "$N" "$rt"
done

OUT="$RESULTS_DIR/density-$N-$STAMP.md"
python3 - "$BENCH_TMP" "$RUNTIMES" "$N" >"$OUT.table" <<'PY'
import json, os, sys
tmp, runtimes, n = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])
f = lambda v, fmt: ("n/a" if v is None else fmt % v)

def load(tag):
    try:
        return json.load(open(os.path.join(tmp, tag + ".json")))
    except (OSError, ValueError):
        return None

print("| runtime | apps OK | port open | 1st app answered | all apps answered "
      "| 1st-request p50 | p99 | max | warm p50 | peak RSS MB | 1-app RSS MB | marginal KB/app |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
notes = []
for rt in runtimes:
    r = load(rt) or {"skipped": "no result"}
    if r.get("skipped"):
        print(f"| {rt} | skipped |" + " |" * 10)
        notes.append(f"- {rt}: skipped: {r['skipped']}")
        continue
    base = load(rt + "-base") or {}
    base_mb = base.get("peak_mb") if not base.get("error") else None
    peak = r.get("peak_mb")
    marginal = ((peak - base_mb) * 1024 / (n - 1)) if (peak and base_mb and n > 1) else None
    fm, wm = r.get("first_ms") or {}, r.get("warm_ms") or {}
    print("| %s | %s/%d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        rt, r.get("ok", 0), n, f(r.get("listen_s"), "%.3f s"), f(r.get("first_answer_s"), "%.3f s"),
        f(r.get("all_s") if r.get("ok") == n else None, "%.3f s"), f(fm.get("p50"), "%.2f ms"), f(fm.get("p99"), "%.2f ms"),
        f(fm.get("max"), "%.1f ms"), f(wm.get("p50"), "%.2f ms"),
        f(peak, "%.1f"), f(base_mb, "%.1f"), f(marginal, "%.0f")))
    if r.get("error"):
        notes.append(f"- {rt}: ERROR {r['error']}")
    if base.get("error"):
        notes.append(f"- {rt}: 1-app baseline ERROR {base['error']}")
    if r.get("warm_bad"):
        notes.append(f"- {rt}: {r['warm_bad']} bad responses in the warm pass")
    for e in (r.get("bad_examples") or []) + (r.get("error_examples") or []):
        notes.append(f"- {rt}: {e}")
    m = r.get("mem") or {}
    if m.get("max_processes", 1) > 1:
        notes.append(f"- {rt}: memory summed over {m['max_processes']} processes")
print()
print("\n".join(notes))
PY
{
  echo "# density benchmark: $N apps in one process ($STAMP)"
  echo
  echo "- each app: \`export default { fetch() { return new Response(\"app K\") } }\`, routed by \`Host: appK.test\`; every body is checked"
  echo "- times are from spawning the server; first requests go over $CONC already-open keep-alive connection(s), so TCP connect is not counted"
  echo "- \"1st-request\" = latency of each app's first request (in-process cold start). Its max includes the server's own boot"
  echo "  when the server opens its port before loading apps (workerd does). \"warm\" = a second pass over all apps"
  echo "- peak RSS = max(VmHWM, sampled RSS of the server's whole session); marginal KB/app = (peak(N) - peak(1 app)) / (N-1)"
  echo "- workerd: one socket -> router worker -> one service binding per app (workerd instantiates every worker at startup)"
  echo "- deno and bun have no in-process multi-tenant mode and are not part of this benchmark"
  echo "- nano: threads = $NANO_THREADS"
  machine_info
  echo "- raw output: bench/results/raw/density-$N-$STAMP/"
  echo
  cat "$OUT.table"
} >"$OUT"
rm -f "$OUT.table"
cat "$OUT"
log "wrote $OUT"
