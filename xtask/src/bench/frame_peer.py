"""The talk's flights query (read, isin, group-by mean) under one peer, for
`cargo xtask bench frame`, which runs it in a fresh process per repeat.

Usage: python3 frame_peer.py polars|dask|pandas FILE
       python3 frame_peer.py polars FILE --join AIRLINES
FILE is CSV, plain or compressed (polars: `.csv.gz`), or, for polars only,
Parquet (`.parquet`, read with `scan_parquet`). With `--join` (polars
only), the query is instead the bench's join cell: the flights joined with
the airlines table (`IATA_CODE,AIRLINE`) on the airline code, inner, and
the mean departure delay per airline name (the means keyed by name).
Prints one JSON line: the peer's version, CPython's, the query's time
(from before the read to the computed means), the process's peak resident
memory, the means by airport (repr: every digit) and the peer's threads.
Threads: polars' pool from POLARS_MAX_THREADS (the bench sets 2), dask's
threaded scheduler with num_workers=2, pandas one thread.
"""
import json
import platform
import resource
import sys
import time

peer, csv = sys.argv[1], sys.argv[2]
airlines = None
if len(sys.argv) == 5 and sys.argv[3] == "--join":
    airlines = sys.argv[4]
elif len(sys.argv) != 3:
    sys.exit("usage: frame_peer.py polars|dask|pandas FILE [--join AIRLINES]")
if airlines is not None and peer != "polars":
    sys.exit(f"{peer}: only polars runs the join here")
parquet = csv.endswith(".parquet")
if parquet and peer != "polars":
    sys.exit(f"{peer}: only polars reads the Parquet file here")
strings = ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"]
nyc = ["JFK", "LGA", "EWR"]

if peer == "polars":
    import polars as pl

    version, threads = pl.__version__, pl.thread_pool_size()
    start = time.perf_counter()
    if parquet:
        scan = pl.scan_parquet(csv)
    else:
        scan = pl.scan_csv(csv, schema_overrides={c: pl.Utf8 for c in strings})
    if airlines is None:
        key = "ORIGIN_AIRPORT"
        query = scan.filter(pl.col(key).is_in(nyc))
    else:
        key = "AIRLINE_right"
        names = pl.read_csv(airlines, schema_overrides={"IATA_CODE": pl.Utf8, "AIRLINE": pl.Utf8})
        query = scan.join(names.lazy(), left_on="AIRLINE", right_on="IATA_CODE", how="inner")
    means = query.group_by(key).agg(pl.col("DEPARTURE_DELAY").mean()).collect()
    seconds = time.perf_counter() - start
    means = dict(zip(means[key].to_list(), means["DEPARTURE_DELAY"].to_list()))
elif peer == "dask":
    import dask
    import dask.dataframe as dd

    version, threads = dask.__version__, 2
    start = time.perf_counter()
    df = dd.read_csv(csv, dtype={c: str for c in strings}, low_memory=False)
    means = df[df.ORIGIN_AIRPORT.isin(nyc)].groupby("ORIGIN_AIRPORT")["DEPARTURE_DELAY"].mean()
    means = means.compute(scheduler="threads", num_workers=threads)
    seconds = time.perf_counter() - start
    means = means.to_dict()
elif peer == "pandas":
    import pandas as pd

    version, threads = pd.__version__, 1
    start = time.perf_counter()
    df = pd.read_csv(csv, dtype={c: str for c in strings}, low_memory=False)
    means = df[df.ORIGIN_AIRPORT.isin(nyc)].groupby("ORIGIN_AIRPORT")["DEPARTURE_DELAY"].mean()
    seconds = time.perf_counter() - start
    means = means.to_dict()
else:
    sys.exit(f"unknown peer {peer}: polars, dask or pandas")

print(json.dumps({
    "version": version,
    "python": platform.python_version(),
    "threads": threads,
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "means": {k: (float(v) if v == v else None) for k, v in means.items()},
}))
