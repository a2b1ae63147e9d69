"""The talk's array cells under dask threads, for side-by-side timing with
`cargo run --release -p chunked-array --example talk`.

Usage: python3 dask_peer.py [size] [chunk|auto] [workers] [moments|c|both]
Prints the median of 5 runs of each cell and the process' peak resident
memory (run one cell per process to measure one cell's peak).
"""
import resource
import statistics
import sys
import time

import dask
import dask.array as da

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
chunk = sys.argv[2] if len(sys.argv) > 2 else "2500"
chunk = chunk if chunk == "auto" else int(chunk)
workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
cell = sys.argv[4] if len(sys.argv) > 4 else "both"


def timed(f):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def moments():
    array = da.random.normal(size=(n, n), chunks=chunk)
    return dask.compute(array.mean(), array.std(), scheduler="threads", num_workers=workers)


def c_cell():
    a = da.random.normal(size=(n, n), chunks=chunk)
    b = da.random.normal(size=(n,), chunks=chunk)
    c = a.dot(b).sum() / a.mean() * b.var()
    return c.compute(scheduler="threads", num_workers=workers)


if cell != "c":
    (mean, std), t1 = timed(moments)
    print(f"dask mean+std (chunks {chunk}): mean {mean:.6e} std {std:.12f} median {t1:.3f} s")
if cell != "moments":
    c, t2 = timed(c_cell)
    print(f"dask C (chunks {chunk}): {c:.6e} median {t2:.3f} s")
print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} kB")
