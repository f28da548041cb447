"""An independent `ki2 study`, for the study tests (tests/it/study.rs): SPEC §6 computed with
Python polars from the archive's raw CSV files and the canonical bar files — not from ki2's
index, not from its code — then held against what ki2 printed.

  study_check.py exact ROOT BARS KI2_JSON OUT_DIR [MARKET] [CAPPER_S1]
      Recomputes every (event, subject, horizon) line of `ki2 study --json` for the groups
      burst/*, capper/* and first_seen: n, n_events, mean_bp, median_bp, hit_rate, t,
      baseline_bp, excess_bp (relative tolerance 1e-6), and checks that OUT_DIR/pairs.parquet
      and OUT_DIR/summary.parquet (ki2's --out), read with polars and with DuckDB, hold the same
      pairs and lines. Prints one JSON object (what was compared); exits 1 on any difference.
  study_check.py baskets ROOT BARS OUT_DIR KI2_JSON [MIN]
      The Baskets view's "after it fires": for each basket with at least MIN (3) bursts in
      OUT_DIR/bursts.parquet (`ki2 baskets --out`: which basket each burst joined), its bursts'
      returns on their own symbols (read here from the Syms Hit files), per burst the mean over
      its symbols, then over the basket's bursts: n_events, n, mean_bp, t per horizon, held
      against KI2_JSON (one study summary line per basket and horizon, `event` the basket id).
  study_check.py duckdb SQL_FILE LAKE KI2_JSON
      Runs the README's study query (SQL_FILE, `L/` standing for LAKE) in DuckDB and compares its
      n_events, n, mean_bp and t to ki2's line for the same event, subject and horizon.

Forward returns use `join_asof` (backward) on each bar's end: the entry is the close of the
last bar ended at or before the event, the exit that at event + horizon; a pair is skipped when
the entry ended more than 300 s before, when event + horizon is past the symbol's last bar of
the day, or when the entry is not above 0.
"""

import glob
import json
import math
import os
import sys

import duckdb
import polars as pl

STALE = 300
QUIET = 1800
GRADES = {"1": "HIGH", "2": "MOD", "3": "LOW"}


def secs(hhmmss):
    v = int(hhmmss)
    h, m, s = v // 10000, v // 100 % 100, v % 100
    return h * 3600 + m * 60 + s if h < 24 and m < 60 and s < 60 else None


def uint(s):
    return s.isdigit()


def day_of(name, prefix, suffix):
    return name[len(prefix):len(name) - len(suffix)]


def file_lines(path):
    """A file's lines as ki2 reads them: split at LF, a CR before it dropped, bad UTF-8 replaced."""
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            yield raw.rstrip(b"\r").decode("utf-8", "replace")


def bursts(root):
    """Every valid burst row: (date, time, group, s1, prog label), as ki2's parser takes them."""
    out = []
    for path in sorted(glob.glob(f"{root}/Data_Burst/*.csv")):
        date = os.path.basename(path)[:8]
        for line in file_lines(path):
            if not line.strip():
                continue
            f_ = line.split(",")
            while len(f_) > 10 and f_[-1] == "":
                f_.pop()
            if len(f_) < 9 or len(f_) > 10:
                continue
            t, grade, prog, bg, s1 = f_[0], f_[1], f_[2], f_[3], f_[4]
            if not all(uint(x) for x in [t, s1] + f_[5:9]) or grade not in GRADES or bg not in ("0", "1"):
                continue
            sec = secs(t)
            if sec is None:
                continue
            label = {"1": "Buy", "0": "Sell"}.get(prog, "UND")
            out.append((date, sec, GRADES[grade], label, int(s1)))
    return out


def hit_symbols(root, date, sec):
    h, m, s = sec // 3600, sec // 60 % 60, sec % 60
    path = f"{root}/Data_Burst_Symbols/Burst_{date}_{h:02}{m:02}{s:02}.csv"
    if not os.path.exists(path):
        return []
    syms = set()
    for i, line in enumerate(file_lines(path)):
        if i == 0 or not line.strip():
            continue
        f_ = line.split(",")
        if len(f_) == 4 and f_[0] and all(uint(x) for x in f_[1:]):
            syms.add(f_[0])
    return sorted(syms)


def first_seen(root):
    rows = []
    for path in sorted(glob.glob(f"{root}/Data/*_hft1.csv")):
        date = os.path.basename(path)[:8]
        first = {}
        for line in file_lines(path):
            if not line.strip():
                continue
            f_ = line.split(",")
            while len(f_) > 7 and f_[-1] == "":
                f_.pop()
            if len(f_) != 7 or not f_[0] or not all(uint(x) for x in f_[2:6]):
                continue
            if f_[6]:
                try:
                    float(f_[6])
                except ValueError:
                    continue
            sec = secs(f_[2])
            if sec is None:
                continue
            if f_[0] not in first or sec < first[f_[0]]:
                first[f_[0]] = sec
        rows += [(date, s, t) for s, t in first.items()]
    return rows


def events(root, market, capper_s1):
    """One row per event-subject pair: event id, group, subject, date, time, symbol."""
    rows = []
    eid = 0
    for date, sec, grade, prog, s1 in bursts(root):
        hits = hit_symbols(root, date, sec)
        groups = [f"burst/{grade}/{prog}"] + ([f"capper/{prog}"] if s1 >= capper_s1 else [])
        for g in groups:
            if hits:
                rows += [(eid, g, "hit", date, sec, s) for s in hits]
                eid += 1
            rows.append((eid, g, "market", date, sec, market))
            eid += 1
    for date, sym, sec in first_seen(root):
        rows.append((eid, "first_seen", "symbol", date, sec, sym))
        eid += 1
    return pl.DataFrame(rows, schema=["eid", "event", "subject", "date", "t", "symbol"], orient="row")


def bars(bar_dir):
    frames = []
    for path in sorted(glob.glob(f"{bar_dir}/*.csv")):
        date = os.path.basename(path)[:8]
        df = pl.read_csv(path, schema_overrides={"symbol": pl.Utf8, "time": pl.Int64})
        df = df.with_columns(
            ((pl.col("time") // 10000) * 3600 + (pl.col("time") // 100 % 100) * 60 + pl.col("time") % 100).alias("start")
        )
        gaps = df.sort("symbol", "start").with_columns(pl.col("start").diff().over("symbol").alias("gap"))
        length = gaps.filter(pl.col("gap") > 0)["gap"].min()
        frames.append(df.select(pl.lit(date).alias("date"), "symbol", (pl.col("start") + length).alias("end"), "close"))
    b = pl.concat(frames).sort("end")
    last = b.group_by("date", "symbol").agg(pl.col("end").max().alias("last_end"))
    return b, last


def returns(q, b, last, horizon):
    """q: rows with date, symbol, t → with `r` (bp, null when the pair is skipped) and `entry`."""
    q = q.sort("t")
    entry = q.join_asof(b.rename({"end": "entry_end", "close": "entry"}), left_on="t", right_on="entry_end",
                        by=["date", "symbol"], strategy="backward", check_sortedness=False)
    entry = entry.with_columns((pl.col("t") + horizon).alias("at")).sort("at")
    both = entry.join_asof(b.rename({"end": "exit_end", "close": "exit"}), left_on="at", right_on="exit_end",
                           by=["date", "symbol"], strategy="backward", check_sortedness=False)
    both = both.join(last, on=["date", "symbol"], how="left")
    ok_entry = pl.col("entry").is_not_null() & (pl.col("t") - pl.col("entry_end") <= STALE) & (pl.col("entry") > 0)
    ok = ok_entry & pl.col("exit").is_not_null() & (pl.col("at") <= pl.col("last_end"))
    return both.with_columns(
        pl.when(ok).then((pl.col("exit") / pl.col("entry") - 1) * 10000).otherwise(None).alias("r"),
        pl.when(ok_entry).then(pl.col("entry")).otherwise(None).alias("entry"),
    )


def baseline(ev, b, last, horizon, days):
    """Per event: the pooled return of its symbols at its second on the quiet days in range."""
    q = ev.select("eid", "event", "subject", "symbol", "t").join(pl.DataFrame({"date": days}), how="cross")
    busy = ev.select("event", "subject", "symbol", "date", pl.col("t").alias("te"))
    near = (
        q.join(busy, on=["event", "subject", "symbol", "date"])
        .filter((pl.col("te") - pl.col("t")).abs() <= QUIET)
        .select("eid", "symbol", "date")
        .unique()
    )
    quiet = q.join(near, on=["eid", "symbol", "date"], how="anti")
    r = returns(quiet, b, last, horizon)
    return r.group_by("eid").agg(pl.col("r").sum().alias("bs"), pl.col("r").count().alias("bn")).filter(pl.col("bn") > 0)


def study(root, bar_dir, horizons, market, capper_s1):
    ev = events(root, market, capper_s1)
    b, last = bars(bar_dir)
    days = sorted(ev["date"].unique().to_list())
    lines, pairs = [], []
    for h in horizons:
        r = returns(ev, b, last, h)
        pairs.append(r.select("eid", "event", "subject", "date", "t", "symbol", "entry", pl.col("r").alias(f"r_{h}s")))
        per = r.group_by("eid", "event", "subject").agg(pl.col("r").mean().alias("m"), pl.col("r").count().alias("n"))
        per = per.filter(pl.col("n") > 0).join(baseline(ev, b, last, h, days), on="eid", how="left")
        per = per.with_columns((pl.col("bs") / pl.col("bn")).alias("b"))
        for (event, subject), g in per.group_by("event", "subject"):
            k = g.height
            mean = g["m"].mean()
            sd = g["m"].std(ddof=1) if k >= 2 else None
            t = mean / (sd / math.sqrt(k)) if sd else None
            base = g["b"].drop_nulls()
            base = base.mean() if base.len() > 0 else None
            lines.append({
                "event": event, "subject": subject, "horizon_s": h, "n_events": k, "n": int(g["n"].sum()),
                "mean_bp": mean, "median_bp": g["m"].median(), "hit_rate": (g["m"] > 0).sum() / k, "t": t,
                "baseline_bp": base, "excess_bp": None if base is None else mean - base,
            })
    return lines, pairs


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) or abs(a - b) < 1e-9


def compare(mine, theirs, keys):
    bad = []
    for k, line in mine.items():
        other = theirs.get(k)
        if other is None:
            bad.append(f"{k}: ki2 has no line")
            continue
        for f in keys:
            if not close(line[f], other[f]):
                bad.append(f"{k} {f}: python {line[f]} ki2 {other[f]}")
    bad += [f"{k}: only ki2 has it" for k in theirs if k not in mine]
    return bad


def exact(root, bar_dir, ki2_json, out_dir, market="SPY", capper_s1=200):
    ki2 = [json.loads(l) for l in open(ki2_json) if l.strip()]
    horizons = sorted({l["horizon_s"] for l in ki2})
    key = lambda l: (l["event"], l["subject"], l["horizon_s"])
    lines, pairs = study(root, bar_dir, horizons, market, int(capper_s1))
    mine = {key(l): l for l in lines}
    theirs = {key(l): l for l in ki2 if not l["event"].startswith("rule:")}
    fields = ["n_events", "n", "mean_bp", "median_bp", "hit_rate", "t", "baseline_bp", "excess_bp"]
    bad = compare(mine, theirs, fields)
    # --out, through both readers: the same lines, and the same pairs' returns.
    summary = pl.read_parquet(f"{out_dir}/summary.parquet")
    con = duckdb.connect()
    rel = con.sql(f"select * from read_parquet('{out_dir}/summary.parquet')")
    from_duck = pl.DataFrame([dict(zip(rel.columns, row)) for row in rel.fetchall()])
    for name, df in [("polars", summary), ("duckdb", from_duck)]:
        got = {key(l): l for l in df.to_dicts() if not l["event"].startswith("rule:")}
        bad += [f"summary.parquet via {name}: {x}" for x in compare(mine, got, fields)]
    ki2_pairs = pl.read_parquet(f"{out_dir}/pairs.parquet")
    n_duck = con.sql(f"select count(*) from read_parquet('{out_dir}/pairs.parquet')").fetchall()[0][0]
    if n_duck != ki2_pairs.height:
        bad.append(f"pairs.parquet: duckdb reads {n_duck} rows, polars {ki2_pairs.height}")
    ki2_pairs = ki2_pairs.with_columns(
        pl.col("date").str.replace_all("-", "").alias("date"),
        (pl.col("time").dt.hour().cast(pl.Int64) * 3600 + pl.col("time").dt.minute().cast(pl.Int64) * 60
         + pl.col("time").dt.second().cast(pl.Int64)).alias("t"),
    )
    ours = pairs[0]
    for p in pairs[1:]:
        ours = ours.join(p.select("eid", "symbol", p.columns[-1]), on=["eid", "symbol"])
    cols = ["entry"] + [f"r_{h}s" for h in horizons]
    k = ["event", "subject", "date", "t", "symbol"]
    joined = ours.select(k + cols).join(ki2_pairs.select(k + cols), on=k, how="full", suffix="_ki2", coalesce=True)
    if joined.height != ours.height or joined.height != ki2_pairs.height:
        bad.append(f"pairs: python {ours.height}, ki2 {ki2_pairs.height}, together {joined.height}")
    for c in cols:
        a, b = joined[c], joined[f"{c}_ki2"]
        diff = ((a - b).abs() > 1e-6 * a.abs().clip(lower_bound=1e-3)) | (a.is_null() != b.is_null())
        if diff.any():
            bad.append(f"pairs: {int(diff.sum())} differ in {c}, first {joined.filter(diff).row(0)}")
    if bad:
        print("\n".join(bad[:40]), file=sys.stderr)
        sys.exit(1)
    groups = sorted({k[0] for k in mine})
    print(json.dumps({"compared": len(mine), "pairs": ki2_pairs.height, "groups": groups}))


def baskets(root, bar_dir, out_dir, ki2_json, least="3"):
    ki2 = [json.loads(l) for l in open(ki2_json) if l.strip()]
    horizons = sorted({l["horizon_s"] for l in ki2})
    fired = pl.read_parquet(f"{out_dir}/bursts.parquet")
    counts = fired.group_by("basket").len()
    listed = counts.filter(pl.col("len") >= int(least))["basket"].to_list()
    rows, eid = [], 0
    for date, time, basket in fired.filter(pl.col("basket").is_in(listed)).select("date", "time", "basket").iter_rows():
        date = date.replace("-", "")
        sec = secs(time.replace(":", ""))
        for sym in hit_symbols(root, date, sec):
            rows.append((eid, basket, date, sec, sym))
        eid += 1
    ev = pl.DataFrame(rows, schema=["eid", "event", "date", "t", "symbol"], orient="row")
    b, last = bars(bar_dir)
    mine = {}
    for h in horizons:
        r = returns(ev, b, last, h)
        per = r.group_by("eid", "event").agg(pl.col("r").mean().alias("m"), pl.col("r").count().alias("n"))
        for (event,), g in per.filter(pl.col("n") > 0).group_by("event"):
            k = g.height
            mean = g["m"].mean()
            sd = g["m"].std(ddof=1) if k >= 2 else None
            t = mean / (sd / math.sqrt(k)) if sd else None
            mine[(event, h)] = {"n_events": k, "n": int(g["n"].sum()), "mean_bp": mean, "t": t}
    theirs = {(l["event"], l["horizon_s"]): l for l in ki2}
    bad = compare(mine, theirs, ["n_events", "n", "mean_bp", "t"])
    if bad or not mine:
        print("\n".join(bad) or "no basket had a return", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"compared": len(mine), "baskets": len({k[0] for k in mine})}))


def run_duckdb(sql_file, lake, ki2_json):
    sql = open(sql_file).read().replace("'L/", f"'{lake}/")
    got = duckdb.connect().sql(sql).fetchall()
    ki2 = {(l["event"], l["subject"], l["horizon_s"]): l for l in map(json.loads, open(ki2_json)) if l}
    bad, compared = [], 0
    for event, subject, horizon, n_events, n, mean_bp, t in got:
        line = ki2.get((event, subject, horizon))
        if line is None:
            bad.append(f"{event} {subject} {horizon}: not in ki2's output")
            continue
        compared += 1
        for f, v in [("n_events", n_events), ("n", n), ("mean_bp", mean_bp), ("t", t)]:
            if not close(float(v) if v is not None else None, line[f]):
                bad.append(f"{event} {subject} {horizon} {f}: duckdb {v} ki2 {line[f]}")
    if bad or compared == 0:
        print("\n".join(bad) or "the query returned nothing", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"compared": compared}))


if __name__ == "__main__":
    if sys.argv[1] == "exact":
        exact(*sys.argv[2:])
    elif sys.argv[1] == "baskets":
        baskets(*sys.argv[2:])
    elif sys.argv[1] == "duckdb":
        run_duckdb(*sys.argv[2:])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
