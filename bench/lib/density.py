"""Start a multi-app server, then ask every app for one response.

Measures, from the moment the server process is spawned:
  * listen_s:    until its port accepts TCP connections
  * all_s:       until every one of the N apps has answered correctly
  * per-app first-request latency (cold start inside a running process),
    median / p99, on already-open keep-alive connections so TCP connect
    cost is not counted
  * a second (warm) pass over the apps for comparison
  * peak memory: VmHWM of the server and the peak summed RSS of its session

The server is started in its own session and killed (by its process group)
when done, on error, on timeout, or on SIGINT/SIGTERM.

usage: density.py --port P --n N --label L --out OUT.json [--cwd DIR]
                  [--conc C] [--timeout S] -- CMD ARGS...
"""
import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procmem import MemSampler  # noqa: E402


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port, timeout):
        self.port = port
        self.timeout = timeout
        self.conn = None
        self.reconnects = 0

    def open(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def get(self, host):
        """-> (status, body, seconds). Retries once on a dropped connection
        (that retry's connect time is then part of the latency)."""
        for attempt in range(2):
            if self.conn is None:
                self.open()
                self.reconnects += 1
            t = time.perf_counter()
            try:
                self.conn.request("GET", "/", headers={"Host": host})
                r = self.conn.getresponse()
                body = r.read()
                dt = time.perf_counter() - t
                if r.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body, dt
            except (http.client.HTTPException, OSError):
                try:
                    self.conn.close()
                except Exception:
                    pass
                self.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")


def wait_listen(port, proc, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.002)
    return False


def run_pass(port, n, conc, timeout, deadline, host_fmt, body_fmt):
    """Request every app once, spread over `conc` keep-alive connections."""
    lat = [None] * n
    bad = []
    errors = []
    lock = threading.Lock()
    next_k = [0]
    first_done = [None]

    def worker():
        c = Client(port, timeout)
        try:
            c.open()
        except OSError as e:
            with lock:
                errors.append(f"connect: {e}")
            return
        while time.monotonic() < deadline:
            with lock:
                k = next_k[0]
                if k >= n:
                    return
                next_k[0] += 1
            try:
                status, body, dt = c.get(host_fmt.format(k=k))
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"app{k}: {type(e).__name__}: {e}")
                continue
            lat[k] = dt
            if first_done[0] is None:
                with lock:
                    if first_done[0] is None:
                        first_done[0] = time.perf_counter()
            want = body_fmt.format(k=k).encode()
            if status != 200 or body != want:
                with lock:
                    bad.append((k, status, body[:80]))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 1)
    return lat, bad, errors, first_done[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cwd", default=None)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--conc", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600.0, help="bound on the whole run (s)")
    ap.add_argument("--req-timeout", type=float, default=30.0)
    ap.add_argument("--host-fmt", default="app{k}.test")
    ap.add_argument("--body-fmt", default="app {k}")
    ap.add_argument("--warm", type=int, default=1, help="also run a warm pass (1/0)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("missing server command after --")

    res = {"label": a.label, "n": a.n, "conc": a.conc, "cmd": cmd}
    logf = open(a.log, "wb")
    t0 = time.perf_counter()
    deadline = time.monotonic() + a.timeout
    proc = subprocess.Popen(cmd, cwd=a.cwd, stdout=logf, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    sampler = MemSampler(proc.pid, 0.05).start()

    def kill_server():
        if proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue

    def on_signal(sig, _frm):
        kill_server()
        sys.exit(128 + sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        if not wait_listen(a.port, proc, deadline):
            res["error"] = ("server exited (code %s) before listening" % proc.returncode
                            if proc.poll() is not None else "port never opened before timeout")
            return finish(res, sampler, kill_server, a.out)
        res["listen_s"] = time.perf_counter() - t0

        lat, bad, errors, t_first = run_pass(a.port, a.n, a.conc, a.req_timeout, deadline,
                                    a.host_fmt, a.body_fmt)
        res["all_s"] = time.perf_counter() - t0
        res["first_answer_s"] = None if t_first is None else t_first - t0
        ok = [x for k, x in enumerate(lat) if x is not None and k not in {b[0] for b in bad}]
        res["ok"] = len(ok)
        res["bad"] = len(bad)
        res["errors"] = len(errors)
        res["bad_examples"] = [f"app{k}: status {s} body {b!r}" for k, s, b in bad[:5]]
        res["error_examples"] = errors[:5]
        first = [x for x in lat if x is not None]
        res["first_ms"] = {"p50": ms(pct(first, 50)), "p99": ms(pct(first, 99)),
                           "max": ms(max(first) if first else None),
                           "mean": ms(sum(first) / len(first) if first else None)}
        sampler.sample()
        res["peak_kb_after_first_pass"] = sampler.peak_kb
        if a.warm and time.monotonic() < deadline:
            wlat, wbad, werr, _ = run_pass(a.port, a.n, a.conc, a.req_timeout, deadline,
                                        a.host_fmt, a.body_fmt)
            warm = [x for x in wlat if x is not None]
            res["warm_ms"] = {"p50": ms(pct(warm, 50)), "p99": ms(pct(warm, 99))}
            res["warm_bad"] = len(wbad) + len(werr)
        if proc.poll() is not None:
            res["error"] = "server exited during the run (code %s)" % proc.returncode
        if res["all_s"] and time.monotonic() >= deadline:
            res.setdefault("error", "run hit the %ss time bound" % a.timeout)
    except Exception as e:  # noqa: BLE001 - always stop the server and report
        res["error"] = f"{type(e).__name__}: {e}"
    return finish(res, sampler, kill_server, a.out)


def ms(x):
    return None if x is None else round(x * 1000.0, 3)


def finish(res, sampler, kill_server, out):
    mem = sampler.stop()
    kill_server()
    res["mem"] = mem
    res["peak_mb"] = mem["peak_kb"] / 1024.0
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))
    return 0 if not res.get("error") else 1


if __name__ == "__main__":
    sys.exit(main())
