#!/usr/bin/env python3
"""Whole-process figures for `ki2 watch` on the heavy day, in a real terminal (tmux, 160x48), as
a user on SSH sees it.

    cargo build --release && python3 benches/live.py [--binary target/release/ki2]

0. start: the heavy day (1,000,000 hft1 rows) is written with `ki2 simulate --profile heavy`,
   then `ki2 watch` reads it through the tailer: time until the header says LIVE.
1. idle: the day loaded, nothing appended: ki2's CPU and terminal bytes/s over --seconds.
2. live phases, each --seconds long; the writer appends hft1 rows (CRLF lines, in ~20 ms
   slices, as the Burst Monitor flushes) through one open handle:
   a. 1,000 rows/s, default screen: terminal KB/s (tmux pipe-pane) and CPU;
   b. 5,000 rows/s, default screen: CPU and KB/s;
   c. 5,000 rows/s with the TUI filtered to the marker prefix (`/ZQ*` Enter): append -> visible
      on screen latency. Every --marker-every s one row is a marker with a unique symbol
      (ZQnnnn), stamped just before its write; a watcher polls `tmux capture-pane` and stamps
      when it first appears. Without the filter a marker scrolls out of the High Quote Counts
      pane within a frame at these rates, so phases a/b report markers seen only for
      information.
CPU is ki2's own process (all threads, from /proc/PID/stat), over the writer's run only; each
phase also prints it per thread (/proc/PID/task/*/stat).
--lake: config.toml gets `[lake] dir` (a scratch folder), so watch runs the lake beside the store,
as `[lake]` users have it (fed by watch's one `ki2-tail` thread; a second `ki2-tail` would be the
lake's own, after it fell behind: the log says so)."""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")
DATE = "20250714"
SESSION = "ki2bench"
MARK = "ZQ"


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True).stdout


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu(pid):
    """CPU seconds per thread, as (name, tid) -> seconds: threads of one name (`ki2-tail` if
    the lake fell behind and started its own) are told apart by their tid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except FileNotFoundError:
            continue
        name = text.split("(", 1)[1].rsplit(")", 1)[0]
        fields = text.rsplit(")", 1)[1].split()
        out[(name, int(tid))] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def thread_line(before, after, wall):
    """The threads that used CPU over the phase, busiest first, in % of a core."""
    used = {k: after[k] - before.get(k, 0.0) for k in after}
    busy = sorted(((v, k) for k, v in used.items() if v > 0), reverse=True)
    return ", ".join(f"{name}/{tid} {v / wall * 100:.2f}" for v, (name, tid) in busy)


def exited(pid):
    """Gone, or a zombie waiting for tmux to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def screen():
    return sh("tmux", "capture-pane", "-p", "-t", SESSION, check=False)


def wait_for(text, timeout):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if text in screen():
            return time.monotonic() - start
        time.sleep(0.05)
    raise SystemExit(f"'{text}' did not appear on screen within {timeout} s:\n{screen()}")


def ki2_pid(binary):
    """The ki2 process in the pane (the pane runs `exec env ... ki2 ...`, so it is the pane's
    process; checked through /proc/PID/exe rather than trusted)."""
    pid = int(sh("tmux", "display-message", "-p", "-t", SESSION, "#{pane_pid}").strip())
    exe = os.path.realpath(f"/proc/{pid}/exe")
    if exe != os.path.realpath(binary):
        raise SystemExit(f"pane process {pid} is {exe}, not {binary}")
    return pid


def hhmmss(secs):
    secs = int(secs) % 86400
    return f"{secs // 3600}{secs // 60 % 60:02d}{secs % 60:02d}"


def last_time(path):
    """Seconds of the day of the file's last row: where a live writer goes on from."""
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 4096))
        lines = [l for l in f.read().split(b"\n") if l.strip()]
    t = int(lines[-1].split(b",")[2])
    return t // 10000 * 3600 + t // 100 % 100 * 60 + t % 100


def writer(path, rate, seconds, marker_every, markers, started):
    """Appends `rate` rows/s for `seconds`; every `marker_every` s the slice ends with a marker
    row whose write time (taken just before the write) is recorded."""
    # Every field at random (counts under the 2000 bar: no alerts), so that what the newest rows
    # show changes from frame to frame as on a real day: the terminal bytes are not flattered.
    rng = random.Random(7)
    start = time.monotonic()
    started.append(start)
    sent = 0
    n = 0
    # After the day's last row, as a live Burst Monitor appends: rows timed before it would sort
    # below the screen in a pane sorted newest first, and no marker would ever be seen.
    base = last_time(path) + 1
    with open(path, "ab", buffering=0) as f:
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= seconds:
                break
            due = int(elapsed * rate)
            t = hhmmss(base + elapsed)
            rows = [f"S{rng.randrange(500):03d},0,{t},{rng.randrange(1000, 1900)},{rng.randrange(1, 900)},"
                    f"{rng.randrange(1, 500)},{rng.randrange(1000, 100_000_000)},\r\n" for _ in range(sent, due)]
            marker = None
            if rows and elapsed >= (n + 1) * marker_every:
                n += 1
                marker = f"{MARK}{n:04d}"
                # 1234 quotes: under the 2000 bar, so a marker raises no alert (no bell).
                rows.append(f"{marker},0,{t},1234,5,7,1000,\r\n")
            if rows:
                data = "".join(rows).encode()
                if marker:
                    markers[marker] = time.monotonic()
                f.write(data)
            sent = due
            time.sleep(0.02)
    return time.monotonic()


def watch_markers(markers, seen, polls, stop):
    while not stop.is_set():
        t0 = time.monotonic()
        text = screen()
        now = time.monotonic()
        polls.append(now - t0)
        for m in list(markers):
            if m not in seen and m in text:
                seen[m] = now
        time.sleep(0.002)


def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def pipe_size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def phase(label, pid, hft1, root, rate, a):
    out = os.path.join(root, f"tty-{label}.bin")
    sh("tmux", "pipe-pane", "-t", SESSION, f"cat > {out}")
    time.sleep(0.5)
    markers, seen, polls, started, stop = {}, {}, [], [], threading.Event()
    watcher = threading.Thread(target=watch_markers, args=(markers, seen, polls, stop))
    watcher.start()
    b0, c0, t0, th0 = pipe_size(out), cpu_seconds(pid), time.monotonic(), thread_cpu(pid)
    end = writer(hft1, rate, a.seconds, a.marker_every, markers, started)
    b1, c1, t1, th1 = pipe_size(out), cpu_seconds(pid), time.monotonic(), thread_cpu(pid)
    time.sleep(1.5)  # the last markers
    stop.set()
    watcher.join()
    sh("tmux", "pipe-pane", "-t", SESSION)
    wall = t1 - t0
    cpu = (c1 - c0) / wall * 100
    kbs = (b1 - b0) / wall / 1024
    lat = sorted((seen[m] - markers[m]) * 1000 for m in markers if m in seen)
    line = (f"{label}: {rate} rows/s for {end - started[0]:.1f} s: ki2 {cpu:.1f} % CPU, RSS {rss_mb(pid):.0f} MB,"
            f" terminal {kbs:.1f} KB/s")
    if lat:
        line += (f", append->screen p50 {statistics.median(lat):.0f} ms p99 {pct(lat, 99):.0f} ms"
                 f" max {lat[-1]:.0f} ms ({len(lat)}/{len(markers)} markers seen)")
    else:
        line += f", 0/{len(markers)} markers seen"
    if polls:
        line += f"; capture-pane poll {statistics.mean(polls) * 1000:.1f} ms mean"
    print(line, flush=True)
    print(f"  threads (% of a core): {thread_line(th0, th1, wall)}", flush=True)
    return {"cpu": cpu, "kbs": kbs, "lat": lat, "markers": len(markers), "label": label}


def check_markers(result, every):
    """Loud, not a figure quietly missing: the filtered phase must see every marker, and the
    others at least some (none means the appended rows never reached the screen)."""
    seen, total = len(result["lat"]), result["markers"]
    if total == 0 or seen < total and (every or seen == 0):
        raise SystemExit(f"FAILED: {result['label']}: {seen} of {total} markers seen")


def main():
    ap = argparse.ArgumentParser()
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    ap.add_argument("--binary", default=os.path.join(target, "release", "ki2"))
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--marker-every", type=float, default=0.1)
    ap.add_argument("--profile", default="heavy")
    ap.add_argument("--lake", action="store_true", help="with `[lake] dir` in config.toml (a scratch folder)")
    ap.add_argument("--root", help="reuse this archive (written by simulate --date 20250714); appended to!")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    tmp = tempfile.mkdtemp(prefix="ki2-live-bench-")
    root = a.root or os.path.join(tmp, "archive")
    try:
        if not a.root:
            t = time.monotonic()
            sh(binary, "simulate", "--root", root, "--date", DATE, "--instant", "--seed", "1", "--profile", a.profile)
            print(f"simulate --profile {a.profile}: {time.monotonic() - t:.1f} s", flush=True)
        hft1 = os.path.join(root, "Data", f"{DATE}_hft1.csv")
        with open(hft1, "rb") as f:
            f.seek(-2, os.SEEK_END)
            if f.read() != b"\r\n":
                with open(hft1, "ab") as g:  # never glue the first appended row to a half line
                    g.write(b"\r\n")
        sh("tmux", "kill-session", "-t", SESSION, check=False)
        env = f"KI2_CONFIG_DIR={tmp}/cfg KI2_DATA_DIR={tmp}/data"
        if a.lake:
            os.makedirs(f"{tmp}/cfg", exist_ok=True)
            with open(f"{tmp}/cfg/config.toml", "w") as f:
                f.write(f'[lake]\ndir = "{tmp}/lake"\n')
        t = time.monotonic()
        sh("tmux", "new-session", "-d", "-s", SESSION, "-x", "160", "-y", "48",
           f"exec env {env} {binary} watch --root {root} --date {DATE}")
        pid = ki2_pid(binary)
        ready = wait_for("LIVE", 300)
        size = sh("tmux", "display-message", "-p", "-t", SESSION, "#{pane_width}x#{pane_height}").strip()
        print(f"start: LIVE after {time.monotonic() - t:.1f} s ({ready:.1f} s polled), pane {size},"
              f" RSS {rss_mb(pid):.0f} MB", flush=True)
        time.sleep(2)

        out = os.path.join(tmp, "tty-idle.bin")
        sh("tmux", "pipe-pane", "-t", SESSION, f"cat > {out}")
        time.sleep(0.5)
        b0, c0, t0 = pipe_size(out), cpu_seconds(pid), time.monotonic()
        time.sleep(a.seconds)
        b1, c1, t1 = pipe_size(out), cpu_seconds(pid), time.monotonic()
        sh("tmux", "pipe-pane", "-t", SESSION)
        print(f"idle: ki2 {(c1 - c0) / (t1 - t0) * 100:.2f} % CPU, terminal {(b1 - b0) / (t1 - t0) / 1024:.2f} KB/s"
              f" over {t1 - t0:.0f} s", flush=True)

        results = [phase("a-1000-default", pid, hft1, tmp, 1000, a)]
        time.sleep(2)
        results.append(phase("b-5000-default", pid, hft1, tmp, 5000, a))
        time.sleep(2)
        sh("tmux", "send-keys", "-t", SESSION, "-l", f"/{MARK}*")
        sh("tmux", "send-keys", "-t", SESSION, "Enter")
        wait_for(f"Filter {MARK}*", 10)
        results.append(phase("c-5000-filter", pid, hft1, tmp, 5000, a))
        for r in results:
            check_markers(r, every=r["label"].startswith("c-"))

        sh("tmux", "send-keys", "-t", SESSION, "q")
        t = time.monotonic()
        while time.monotonic() - t < 5 and not exited(pid):
            time.sleep(0.01)
        print(f"quit: {'exited' if exited(pid) else 'still running!'} ({time.monotonic() - t:.2f} s)", flush=True)
    finally:
        sh("tmux", "kill-session", "-t", SESSION, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
