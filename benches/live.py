#!/usr/bin/env python3
"""Whole-process figures for ki2 watch, in a real terminal (tmux), as a user on SSH sees it.

    cargo build --release && python3 benches/live.py [--binary target/release/ki2]

1. idle: a loaded day, nothing appended: CPU over 20 s.
2. live at 1,000 rows/s: terminal bytes written per second (tmux pipe-pane) and CPU.
3. live at 5,000 rows/s: CPU, and append -> visible on screen latency (marker rows with a
   unique symbol, found by polling capture-pane every 2 ms; p50/p99).
The writer appends hft1 rows in CRLF lines in ~20 ms slices, as the Burst Monitor flushes."""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True).stdout


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def pane_pid(session):
    return int(sh("tmux", "display-message", "-p", "-t", session, "#{pane_pid}").strip())


def writer(path, rate, seconds, markers, stop):
    """Appends `rate` rows/s for `seconds`; every 0.25 s one row is a marker whose write time is recorded."""
    start = time.monotonic()
    sent = 0
    n = 0
    with open(path, "ab", buffering=0) as f:
        while not stop.is_set() and time.monotonic() - start < seconds:
            elapsed = time.monotonic() - start
            due = int(elapsed * rate)
            rows = []
            t = 100000 + int(elapsed) % 5959
            for i in range(sent, due):
                rows.append(f"S{i % 500:03d},0,{t},{1000 + i % 900},5,7,1000,\r\n")
            if rows and elapsed - n * 0.25 >= 0.25:
                n += 1
                rows.append(f"ZQ{n:04d},0,{t},9999,5,7,1000,\r\n")
                f.write("".join(rows).encode())
                markers[f"ZQ{n:04d}"] = time.monotonic()
            elif rows:
                f.write("".join(rows).encode())
            sent = due
            time.sleep(0.02)


def watch_markers(session, markers, seen, stop):
    while not stop.is_set():
        screen = sh("tmux", "capture-pane", "-p", "-t", session, check=False)
        now = time.monotonic()
        for m in list(markers):
            if m not in seen and m in screen:
                seen[m] = now
        time.sleep(0.002)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/ki2")
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    root = tempfile.mkdtemp(prefix="ki2-live-bench-")
    day = time.strftime("%Y%m%d")
    sh(binary, "simulate", "--root", root, "--date", day, "--instant", "--seed", "3")
    hft1 = os.path.join(root, "Data", f"{day}_hft1.csv")
    session = "ki2bench"
    sh("tmux", "kill-session", "-t", session, check=False)
    env = f"KI2_CONFIG_DIR={root}/cfg KI2_DATA_DIR={root}/data"
    sh("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "48",
       f"env {env} {binary} watch --root {root} --date {day}")
    time.sleep(3)
    pid = int(sh("pgrep", "-f", f"{binary} watch --root {root}").split()[0])

    c0 = cpu_seconds(pid)
    time.sleep(a.seconds)
    idle = (cpu_seconds(pid) - c0) / a.seconds * 100
    print(f"idle: {idle:.2f} % CPU over {a.seconds:.0f} s")

    for rate in (1000, 5000):
        out = os.path.join(root, f"tty-{rate}.bin")
        sh("tmux", "pipe-pane", "-o", "-t", session, f"cat > {out}")
        markers, seen, stop = {}, {}, threading.Event()
        threads = [threading.Thread(target=writer, args=(hft1, rate, a.seconds, markers, stop)),
                   threading.Thread(target=watch_markers, args=(session, markers, seen, stop))]
        c0 = cpu_seconds(pid)
        t0 = time.monotonic()
        for t in threads:
            t.start()
        threads[0].join()
        time.sleep(1)
        stop.set()
        threads[1].join()
        wall = time.monotonic() - t0
        cpu = (cpu_seconds(pid) - c0) / wall * 100
        sh("tmux", "pipe-pane", "-t", session)
        size = os.path.getsize(out) if os.path.exists(out) else 0
        lat = sorted((seen[m] - markers[m]) * 1000 for m in markers if m in seen)
        line = f"live {rate} rows/s: {cpu:.1f} % CPU, terminal {size / wall / 1024:.1f} KB/s"
        if lat:
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            line += f", append->screen p50 {statistics.median(lat):.0f} ms p99 {p99:.0f} ms ({len(lat)}/{len(markers)} markers seen)"
        print(line)

    sh("tmux", "send-keys", "-t", session, "q")
    time.sleep(1)
    sh("tmux", "kill-session", "-t", session, check=False)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
