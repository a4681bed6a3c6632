"""Memory sampling of a server and everything it forked.

A server is started as a session leader (setsid / start_new_session), so
"everything it forked" is every process whose session id equals its pid,
even children that were re-parented.  Peak memory is reported as the larger of
  * the root process's VmHWM (exact kernel high-water mark, single process), and
  * the largest sampled sum of VmRSS over the whole session (covers forks).

CLI (used by hello.sh):
    python3 procmem.py PID OUT_JSON [INTERVAL_S]
samples until PID exits or SIGTERM/SIGINT arrives, then writes JSON.
"""
import json
import os
import signal
import sys
import threading
import time


def _status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def session_pids(sid):
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # fields after the ")" of comm: state ppid pgrp session ...
        rest = stat[stat.rfind(")") + 2:].split()
        try:
            if int(rest[3]) == sid:
                pids.append(int(name))
        except (IndexError, ValueError):
            continue
    return pids


class MemSampler:
    def __init__(self, root_pid, interval=0.05):
        self.root = root_pid
        self.interval = interval
        self.peak_tree_kb = 0
        self.hwm_kb = 0
        self.max_procs = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self):
        pids = session_pids(self.root)
        if self.root not in pids and os.path.exists(f"/proc/{self.root}"):
            pids.append(self.root)
        total = sum(_status_kb(p, "VmRSS") for p in pids)
        self.peak_tree_kb = max(self.peak_tree_kb, total)
        self.hwm_kb = max(self.hwm_kb, _status_kb(self.root, "VmHWM"))
        self.max_procs = max(self.max_procs, len(pids))
        self.samples += 1

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            if not os.path.exists(f"/proc/{self.root}"):
                break
            self._stop.wait(self.interval)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        # one last reading (VmHWM) before the caller kills the server
        self.sample()
        self._stop.set()
        self._thread.join(timeout=5)
        return self.result()

    @property
    def peak_kb(self):
        return max(self.peak_tree_kb, self.hwm_kb)

    def result(self):
        return {
            "root_pid": self.root,
            "peak_kb": self.peak_kb,
            "root_vmhwm_kb": self.hwm_kb,
            "peak_session_rss_kb": self.peak_tree_kb,
            "max_processes": self.max_procs,
            "samples": self.samples,
        }


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: procmem.py PID OUT_JSON [INTERVAL_S]")
    pid = int(sys.argv[1])
    out = sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
    sampler = MemSampler(pid, interval)
    done = threading.Event()

    def on_signal(_sig, _frm):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sampler.start()
    deadline = time.monotonic() + 3600  # hard bound
    while not done.is_set() and os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        done.wait(0.2)
    res = sampler.stop()
    try:
        with open(out, "w") as f:
            json.dump(res, f)
    except OSError:
        pass  # the caller is gone (interrupted run) and removed its temp dir


if __name__ == "__main__":
    main()
