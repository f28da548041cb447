"""Independent z-fields for the z test (tests/it/baskets.rs), from the archive's CSV files:
plain Python reads the hft1 rows (skipping the malformed ones the way the spec says they
are), polars pools each symbol's raw rows over its last 20 days with rows before the day and
takes the mean and the sample standard deviation (two passes, not ki2's sums of squares).

  zscores.py ROOT YYYYMMDD THRESHOLD
      one JSON line per (field, row of the day) with z >= THRESHOLD:
      {"field": "num_quotes_z", "time": "HH:MM:SS", "symbol": ..., "value": z}
"""

import glob
import json
import os
import sys

import polars as pl

DAYS, MIN_DAYS = 20, 5


def secs(text):
    if not text.isdigit() or len(text) > 6:
        return None
    v = int(text)
    h, m, s = v // 10000, v // 100 % 100, v % 100
    return h * 3600 + m * 60 + s if h < 24 and m < 60 and s < 60 else None


def read(path, day):
    out = {"day": [], "symbol": [], "time": [], "num_quotes": [], "num_trades": [], "dollars": []}
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            line = raw.rstrip(b"\r").decode("utf-8", "replace")
            fields = line.split(",")
            if len(fields) != 8 or fields[7] != "" or not fields[0]:
                continue
            t = secs(fields[2])
            nums = fields[3:6]
            if t is None or not all(n.isdigit() for n in nums) or not (fields[6] == "" or fields[6].isdigit()):
                continue
            out["day"].append(day)
            out["symbol"].append(fields[0])
            out["time"].append(t)
            out["num_quotes"].append(int(nums[0]))
            out["num_trades"].append(int(nums[2]))
            out["dollars"].append(float(fields[6]) if fields[6] else None)
    return pl.DataFrame(out, schema={"day": pl.Utf8, "symbol": pl.Utf8, "time": pl.Int64,
                                     "num_quotes": pl.Int64, "num_trades": pl.Int64, "dollars": pl.Float64})


def main():
    root, day, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
    frames = [read(p, os.path.basename(p)[:8]) for p in sorted(glob.glob(f"{root}/Data/*_hft1.csv"))]
    df = pl.concat(frames)
    hist = df.filter(pl.col("day") < day)
    days = (hist.select("symbol", "day").unique()
            .with_columns(rank=pl.col("day").rank("ordinal", descending=True).over("symbol"))
            .filter(pl.col("rank") <= DAYS))
    enough = days.group_by("symbol").len().filter(pl.col("len") >= MIN_DAYS).select("symbol")
    pooled = hist.join(days.select("symbol", "day"), on=["symbol", "day"]).join(enough, on="symbol")
    fields = ["num_quotes", "num_trades", "dollars"]
    stats = pooled.group_by("symbol").agg(
        [pl.col(f).mean().alias(f + "_mean") for f in fields] + [pl.col(f).std(ddof=1).alias(f + "_sd") for f in fields])
    today = df.filter(pl.col("day") == day).join(stats, on="symbol")
    for f in fields:
        z = today.filter(pl.col(f + "_sd") > 0).with_columns(
            z=(pl.col(f) - pl.col(f + "_mean")) / pl.col(f + "_sd")).filter(pl.col("z") >= threshold)
        for row in z.iter_rows(named=True):
            t = row["time"]
            print(json.dumps({"field": f + "_z", "time": f"{t // 3600:02}:{t // 60 % 60:02}:{t % 60:02}",
                              "symbol": row["symbol"], "value": row["z"]}))


main()
