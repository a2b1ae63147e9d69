"""The talk's array cells under dask threads, for side-by-side timing with
`cargo run --release -p chunked-array --example talk`.

Usage: python3 dask_peer.py [size] [chunk|auto] [workers] [moments|c|both] [repeats]
Prints the median of `repeats` (default 5) runs of each cell and the
process' peak resident memory (run one cell per process to measure one
cell's peak), then one JSON line with the same and every run's time.
`cargo xtask bench array` runs it with repeats 1, in a fresh process per
run and cell, as it runs ours, and with OMP/OPENBLAS/MKL_NUM_THREADS=1 so
that the scheduler's workers are the only threads at work.
"""
import json
import platform
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
repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5


def timed(f):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times), times


def moments():
    array = da.random.normal(size=(n, n), chunks=chunk)
    return dask.compute(array.mean(), array.std(), scheduler="threads", num_workers=workers)


def c_cell():
    a = da.random.normal(size=(n, n), chunks=chunk)
    b = da.random.normal(size=(n,), chunks=chunk)
    c = a.dot(b).sum() / a.mean() * b.var()
    return c.compute(scheduler="threads", num_workers=workers)


summary = {
    "version": dask.__version__,
    "python": platform.python_version(),
    "versions": {"numpy": __import__("numpy").__version__},
}
if cell != "c":
    (mean, std), t1, runs = timed(moments)
    print(f"dask mean+std (chunks {chunk}): mean {mean:.6e} std {std:.12f} median {t1:.3f} s")
    summary.update(mean=float(mean), std=float(std), mean_std_s=runs)
if cell != "moments":
    c, t2, runs = timed(c_cell)
    print(f"dask C (chunks {chunk}): {c:.6e} median {t2:.3f} s")
    summary.update(c=float(c), c_s=runs)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"peak memory {peak} kB")
summary["peak_kb"] = peak
print(json.dumps(summary))
