"""The results table of a wrk benchmark (bench/hello.sh, bench/proxy.sh).

    python3 wrktable.py TMP_DIR "RUNTIMES" [--memory] [--label NAME]

Reads TMP_DIR/<runtime>.json for each runtime and prints a Markdown table (with peak
RSS when --memory), then notes (versions, skips, warnings).
"""
import json, sys, os
tmp, runtimes = sys.argv[1], sys.argv[2].split()
memory = "--memory" in sys.argv[3:]
label = sys.argv[sys.argv.index("--label") + 1] if "--label" in sys.argv else "runtime"
rows = {}
for rt in runtimes:
    try:
        rows[rt] = json.load(open(os.path.join(tmp, rt + ".json")))
    except (OSError, ValueError):
        rows[rt] = {"runtime": rt, "skipped": "no result"}
nano = rows.get("nano", {}).get("rps")
f = lambda v, fmt: ("n/a" if v is None else fmt % v)
cols = ["req/s", "p50", "p99"] + (["peak RSS MB"] if memory else []) + ["NANO ratio"]
print("| " + " | ".join([label] + cols) + " |")
print("|---|" + "---:|" * len(cols))
notes = []
for rt in runtimes:
    r = rows[rt]
    if r.get("skipped"):
        print(f"| {rt} | skipped |" + " |" * (len(cols) - 1))
        notes.append(f"- {rt}: skipped: {r['skipped']}")
        continue
    ratio = (nano / r["rps"]) if (nano and r.get("rps")) else None
    cells = [f(r.get("rps"), "%.0f"), f(r.get("p50_ms"), "%.2f ms"), f(r.get("p99_ms"), "%.2f ms")]
    if memory:
        cells.append(f(r.get("peak_mb"), "%.1f"))
    cells.append(f(ratio, "%.2f"))
    print("| " + " | ".join([rt] + cells) + " |")
    if r.get("version"):
        notes.append(f"- {rt}: {r['version']}")
    if r.get("non2xx") or r.get("socket_errors"):
        notes.append(f"- {rt}: WARNING non-2xx={r.get('non2xx')} socket errors={r.get('socket_errors')}")
    if not r.get("alive_after", True):
        notes.append(f"- {rt}: WARNING server died during the run")
    m = r.get("mem") or {}
    if m.get("max_processes", 1) > 1:
        notes.append(f"- {rt}: memory summed over {m['max_processes']} processes")
print()
print("\n".join(notes))
