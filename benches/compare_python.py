#!/usr/bin/env python3
"""Python polars' bare read_csv of the same day, for comparison with `cargo bench --bench load`.

    pip install polars
    python3 benches/compare_python.py /tmp/heavy 20250714
Prints wall time and peak RSS of reading all five file kinds (no parsing of quirks beyond
what read_csv does itself: it is the floor a Python pipeline starts from)."""
import glob
import os
import resource
import sys
import time

import polars as pl

root, day = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
kw = dict(has_header=False, truncate_ragged_lines=True, ignore_errors=True, infer_schema_length=0)
frames = [pl.read_csv(os.path.join(root, "Data", f"{day}_hft{i}.csv"), **kw) for i in (1, 2, 3)]
frames.append(pl.read_csv(os.path.join(root, "Data_Burst", f"{day}.csv"), **kw))
syms = [pl.read_csv(p, has_header=True, infer_schema_length=0)
        for p in sorted(glob.glob(os.path.join(root, "Data_Burst_Symbols", f"Burst_{day}_*.csv")))]
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"python polars {pl.__version__} read_csv: {frames[0].height} hft1 rows, {len(syms)} symbol files")
print(f"  wall: {wall:.3f} s")
print(f"  peak RSS: {rss:.1f} MB")
