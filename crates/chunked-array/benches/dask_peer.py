"""The talk's array cells under dask threads, for side-by-side timing with
`cargo run --release -p chunked-array --example talk`.

Usage: python3 dask_peer.py [size] [chunk|auto] [workers] [moments|c|both|cube|npy] [repeats]
(`cube`: mean over trials of size/10 x size/10 x 100 normals, auto chunks;
`npy`: a size x size normal array stored into a numpy memmap of an .npy
file, then numpy's mean of np.load(mmap_mode='r').)
Prints the median of `repeats` (default 5) runs of each cell and the
process' peak resident memory (run one cell per process to measure one
cell's peak), then one JSON line with the same and every run's time.
`cargo xtask bench array` runs it in a fresh process per run and cell, as
it runs ours, and with OMP/OPENBLAS/MKL_NUM_THREADS=1 so that the
scheduler's workers are the only threads at work: with repeats 1 for the
moments and C cells (ours: `xtask demo array`, one run a process), with
repeats 5 for cube and npy (ours: the talk example, which times 5 runs a
process); for npy it sets `tempfile.tempdir` to a directory it removes.
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
if cell in ("moments", "both"):
    (mean, std), t1, runs = timed(moments)
    print(f"dask mean+std (chunks {chunk}): mean {mean:.6e} std {std:.12f} median {t1:.3f} s")
    summary.update(mean=float(mean), std=float(std), mean_std_s=runs)
if cell in ("c", "both"):
    c, t2, runs = timed(c_cell)
    print(f"dask C (chunks {chunk}): {c:.6e} median {t2:.3f} s")
    summary.update(c=float(c), c_s=runs)
if cell == "cube":
    def cube():
        x = da.random.normal(size=(n // 10, n // 10, 100), chunks="auto")
        return x.mean(axis=0).compute(scheduler="threads", num_workers=workers)

    m, t3, runs = timed(cube)
    print(f"dask cube mean over trials: [0, 0] {m[0, 0]:.12f} median {t3:.3f} s")
    summary.update(cube_s=runs)
if cell == "npy":
    import os
    import tempfile

    import numpy as np

    path = os.path.join(tempfile.gettempdir(), f"dask-peer-{os.getpid()}.npy")

    def write():
        x = da.random.normal(size=(n, n), chunks=chunk)
        mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n, n))
        da.store(x, mm, scheduler="threads", num_workers=workers)
        mm.flush()
        del mm

    def read():
        return float(np.load(path, mmap_mode="r").mean())

    _, t4, wruns = timed(write)
    m, t5, rruns = timed(read)
    os.remove(path)
    print(f"dask npy write median {t4:.3f} s; numpy memmap read + mean {m:.6e} median {t5:.3f} s")
    summary.update(npy_write_s=wruns, npy_read_s=rruns)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"peak memory {peak} kB")
summary["peak_kb"] = peak
print(json.dumps(summary))
