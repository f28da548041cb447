"""Reads a ki2 lake the way a notebook does, for the lake tests (tests/it/lake.rs).

  lake_reader.py loop LAKE KIND SECONDS INTERVAL
      every INTERVAL s for SECONDS s: one JSON line per read with the row count and the
      distinct-row count seen by python polars and by DuckDB, each through a plain glob
      LAKE/KIND/**/*.parquet, and the read's start and end (Unix time).
  lake_reader.py compare LAKE EXPORT
      one JSON object: per kind, the rows of the lake and of a plain `ki2 export`, and whether
      the two are equal row for row once sorted.

A read that fails because compaction swapped the folder between DuckDB's or polars' listing
and its opening a file ("No such file") is retried; such retries are counted in "retries".
"""

import json
import sys
import time

import duckdb
import polars as pl

KINDS = ["hft1", "hft2", "hft3", "bursts", "burst_symbols"]


def glob(lake, kind):
    return f"{lake}/{kind}/**/*.parquet"



def read_polars(lake, kind):
    try:
        df = pl.read_parquet(glob(lake, kind), hive_partitioning=True)
    except Exception as e:  # noqa: BLE001 - an empty lake is zero rows
        if "expanded paths were empty" in str(e) or "no matching files" in str(e).lower():
            return 0, 0
        raise
    cols = [c for c, t in df.schema.items() if not isinstance(t, pl.List)]
    return df.height, df.select(cols).unique().height


def read_duckdb(lake, kind):
    con = duckdb.connect()
    try:
        # One listing of the files: two read_parquet calls would glob twice and could see
        # two different sets of parts (a count from one, distinct rows from the other).
        con.sql(f"create temp table t as select * from read_parquet('{glob(lake, kind)}', hive_partitioning=true)")
        rest = "* exclude (symbols)" if kind == "bursts" else "*"
        n, d = con.sql(f"select count(*), (select count(*) from (select distinct {rest} from t)) from t").fetchall()[0]
        return n, d
    except Exception as e:  # noqa: BLE001
        if "No files found" in str(e):
            return 0, 0
        raise
    finally:
        con.close()


def with_retries(f, *args):
    retries = 0
    while True:
        try:
            return f(*args), retries
        except Exception as e:  # noqa: BLE001
            retries += 1
            if retries > 5:
                return (None, str(e)), retries
            time.sleep(0.01)


def loop(lake, kind, seconds, interval):
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.time()
        (pn, pd), pr = with_retries(read_polars, lake, kind)
        (dn, dd), dr = with_retries(read_duckdb, lake, kind)
        t1 = time.time()
        print(json.dumps({"t0": t0, "t1": t1, "polars": pn, "polars_distinct": pd,
                          "duckdb": dn, "duckdb_distinct": dd, "retries": pr + dr}), flush=True)
        time.sleep(max(0.0, interval - (time.time() - t0)))


def sorted_frame(path, kind):
    try:
        df = pl.read_parquet(glob(path, kind), hive_partitioning=True)
    except Exception:  # noqa: BLE001
        return None
    keys = [c for c, t in df.schema.items() if not isinstance(t, (pl.List, pl.Struct))]
    return df.sort(keys, nulls_last=True)


def compare(lake, export):
    out = {}
    for kind in KINDS:
        a, b = sorted_frame(lake, kind), sorted_frame(export, kind)
        out[kind] = {
            "lake": None if a is None else a.height,
            "export": None if b is None else b.height,
            "equal": (a is None and b is None) or (a is not None and b is not None and a.equals(b)),
            "schema_equal": a is not None and b is not None and a.schema == b.schema,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "loop":
        loop(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown mode {sys.argv[1]!r}")
