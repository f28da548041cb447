#!/usr/bin/env bash
# Idle CPU of `ki2 scan --follow` over an archive whose Data_Burst_Symbols/ holds many files
# (every past day's symbol files stay there): nothing is written while it is measured.
#
#   benches/idle_listing.sh [KI2_BINARY] [FILES] [SECONDS]
#
# Creates FILES symbol files (400 of them of the followed day, the rest of earlier days) in a
# temp folder, starts the binary (default target/release/ki2), lets it catch up for 5 s, then
# reads utime+stime from /proc/PID/stat over SECONDS (default 30) and prints the share of one core.
set -euo pipefail
bin=${1:-target/release/ki2}
files=${2:-200000}
secs=${3:-30}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 - "$dir" "$files" <<'PY'
import os, sys, datetime
root, n = sys.argv[1], int(sys.argv[2])
sym = os.path.join(root, "Data_Burst_Symbols")
os.makedirs(sym); os.makedirs(os.path.join(root, "Data")); os.makedirs(os.path.join(root, "Data_Burst"))
today = datetime.date(2026, 3, 2)
body = b"Symbol,NumTrades,NumQuotes,BBO\r\nSPY,12,5858,1149\r\n"
made, back = 0, 0
while made < n:
    day = today - datetime.timedelta(days=back)
    for i in range(min(400, n - made)):
        t = 93000 + (i // 60) * 100 + i % 60
        with open(os.path.join(sym, f"Burst_{day:%Y%m%d}_{t:06d}.csv"), "wb") as f:
            f.write(body)
        made += 1
    back += 1
d = f"{today:%Y%m%d}"
with open(os.path.join(root, "Data", f"{d}_hft1.csv"), "wb") as f:
    f.write(b"SPY,0,93000,2500,10,20,1000,\r\n" * 1000)
for k in ("hft2", "hft3"):
    with open(os.path.join(root, "Data", f"{d}_{k}.csv"), "wb") as f:
        f.write(b"".join(b"%d,5\r\n" % (93000 + s) for s in range(30)))
with open(os.path.join(root, "Data_Burst", f"{d}.csv"), "wb") as f:
    f.write(b"93000,1,1,0,214,520,1,1,0\r\n")
PY
KI2_CONFIG_DIR=$dir/config KI2_DATA_DIR=$dir/data "$bin" scan --root "$dir" --follow >/dev/null 2>&1 &
pid=$!
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks)
sleep "$secs"
t1=$(ticks)
hz=$(getconf CLK_TCK)
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" -v n="$files" \
    'BEGIN { printf "%d symbol files: %.2f%% of a core idle (%d ticks over %d s)\n", n, 100 * d / hz / s, d, s }'
