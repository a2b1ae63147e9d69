"""Differential fuzzing of chunked-array's reductions and scans against numpy.

Draws small arrays (1 to 3 dimensions, lengths 0 to 7, values with NaN,
infinities, signed zeros and repeated values), cuts them into uneven
random blocks, and compares each reduction or scan of the `reduce_npy`
example over random axes (negative ones, several, keepdims), or a layout
(basic indexing with steps, negative and out-of-range bounds, integers,
newaxis and ellipsis; transposes; reshapes), with numpy's:
exactly where the README says the result is exact (minima, maxima, their
positions, quantiles, any/all/count; a quantile next to an infinity is
that infinity where numpy's bug 21091 gives NaN, as the README says),
within rounding of the block order
elsewhere (sums and moments: 1e-12 of the sum of magnitudes; products: a
relative 1e-12; matrix products: 1e-13 of the product of magnitudes).
Also `clip`, `nan_to_num`, `matmul` (stacks of matrices too, their
leading axes broadcast) and `dot` (1-D and 2-D operands: `dot` of more
dimensions is refused here, as the README says),
`concatenate` and `stack` along every axis. An operation numpy refuses
must be refused too.

Run from the repository's root with numpy installed:
    cargo build --release -p chunked-array --example reduce_npy
    .venv/bin/python crates/chunked-array/tests/numpy/fuzz.py --cases 2000 --seed 1
Prints each case that differs; exits 1 if any does.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
EXACT = {"min", "max", "nanmin", "nanmax", "argmin", "argmax", "any", "all", "count_nonzero"}
ROUNDED = {"sum", "mean", "var", "std", "var1", "std1", "nansum", "nanmean", "nanvar", "nanstd", "nanvar1",
           "nanstd1", "cumsum"}
PRODUCTS = {"prod", "cumprod"}
SINGLE_AXIS = {"argmin", "argmax", "cumsum", "cumprod"}


def numpy_index(spec):
    parts = []
    for part in spec.split(";"):
        if part == "new":
            parts.append(np.newaxis)
        elif part == "...":
            parts.append(Ellipsis)
        elif ":" in part:
            bounds = [int(b) if b else None for b in part.split(":")]
            parts.append(slice(*bounds))
        else:
            parts.append(int(part))
    return tuple(parts)


UNARY_EXACT = ["floor", "ceil", "round", "sign", "abs", "sqrt", "isnan", "isfinite", "reciprocal"]
UNARY_ROUNDED = ["exp", "log", "log1p", "expm1", "tan", "log2", "log10", "exp2", "cbrt", "sinh", "cosh", "tanh",
                 "arcsin", "arccos", "arctan"]
BINARY_EXACT = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "greater", "greater_equal", "less",
                "less_equal", "equal", "not_equal"]
BINARY_ROUNDED = ["power"]


def numpy_of(x, op, axis, keep, y=None):
    if op.startswith("unary:clip:"):
        lo, hi = (float(v) for v in op[11:].split(","))
        return np.clip(x, lo, hi)
    if op.startswith("unary:nan_to_num:"):
        return np.nan_to_num(x, nan=float(op[17:]), posinf=np.inf, neginf=-np.inf)
    if op.startswith("unary:"):
        return getattr(np, op[6:])(x)
    if op.startswith("binary:concatenate:") or op.startswith("binary:stack:"):
        name, a = op[7:].split(":")
        return getattr(np, name)([x, y], axis=int(a))
    if op.startswith("binary:"):
        return getattr(np, op[7:])(x, y)
    if op.startswith("index:"):
        return x[numpy_index(op[6:])]
    if op.startswith("transpose:"):
        return np.transpose(x, [int(a) for a in op[10:].split(",")])
    if op.startswith("reshape:"):
        return np.reshape(x, [int(a) for a in op[8:].split(",") if a])
    kw = {"keepdims": True} if keep else {}
    if op.startswith("quantile:"):
        return np.quantile(x, float(op[9:]), axis=axis, **kw)
    if op.startswith("nanquantile:"):
        return np.nanquantile(x, float(op[12:]), axis=axis, **kw)
    if op in ("var1", "std1", "nanvar1", "nanstd1"):
        return getattr(np, op[:-1])(x, axis=axis, ddof=1, **kw)
    if op == "count_nonzero":
        return np.count_nonzero(x, axis=axis, **kw)
    if op in ("cumsum", "cumprod"):
        return getattr(np, op)(x, axis=axis)
    return getattr(np, op)(x, axis=axis, **kw)


def draw_array(r, shape=None):
    if shape is None:
        ndim = r.randint(1, 3)
        shape = [r.choice([0, 1, 1, 2, 3, 4, 5, 7]) if r.random() < 0.15 else r.randint(1, 7) for _ in range(ndim)]
    n = int(np.prod(shape))
    kind = r.random()
    values = []
    for _ in range(n):
        p = r.random()
        if kind < 0.3 and p < 0.15:
            values.append(r.choice([float("nan"), float("inf"), -float("inf"), -0.0, 0.0]))
        elif kind < 0.6:
            values.append(float(r.randint(-3, 3)))  # ties
        else:
            values.append(r.gauss(0, 1) * 10 ** r.randint(-3, 3))
    return np.array(values, dtype=np.float64).reshape(shape)


def draw_chunks(r, shape):
    axes = []
    for length in shape:
        if length == 0:
            axes.append([0])
            continue
        cuts = sorted(r.sample(range(1, length), r.randint(0, length - 1))) if length > 1 else []
        bounds = [0] + cuts + [length]
        axes.append([b - a for a, b in zip(bounds, bounds[1:])])
    return ",".join("+".join(str(n) for n in axis) for axis in axes)


def draw_layout(r, shape):
    ndim = len(shape)
    kind = r.choice(["index", "index", "transpose", "reshape"])
    if kind == "transpose":
        order = list(range(ndim))
        r.shuffle(order)
        return "transpose:" + ",".join(map(str, order))
    if kind == "reshape":
        n = int(np.prod(shape))
        dims = []
        while n > 1 and len(dims) < 3 and r.random() < 0.7:
            d = r.choice([k for k in range(2, n + 1) if n % k == 0])
            dims.append(d)
            n //= d
        dims.append(n)
        r.shuffle(dims)
        return "reshape:" + ",".join(map(str, dims))
    parts = []
    for length in shape:
        p = r.random()
        bound = lambda: r.choice([None, r.randint(-length - 2, length + 2)])
        if p < 0.15 and length > 0:
            parts.append(str(r.randint(-length, length - 1)))
        else:
            step = r.choice([1, 1, 2, 3, -1, -2])
            b = [bound(), bound()]
            parts.append(":".join("" if v is None else str(v) for v in b) + f":{step}")
        if r.random() < 0.1:
            parts.append("new")
    if r.random() < 0.2 and parts:
        cut = r.randint(0, len(parts) - 1)
        parts = parts[:cut] + ["..."]
    return "index:" + ";".join(parts)


def draw_op(r, ndim):
    op = r.choice(sorted(EXACT | ROUNDED | PRODUCTS) + ["quantile", "nanquantile"])
    if op in ("quantile", "nanquantile"):
        op += ":" + r.choice(["0", "0.25", "0.5", "0.9", "1", "0.333"])
    if op in SINGLE_AXIS:
        axis = None if r.random() < 0.3 else r.randrange(-ndim, ndim)
    elif r.random() < 0.25:
        axis = None
    else:
        axis = tuple(r.sample(range(ndim), r.randint(1, ndim)))
        axis = tuple(a - ndim if r.random() < 0.3 else a for a in axis)
        if len(axis) == 1 and r.random() < 0.5:
            axis = axis[0]
    keep = op not in ("cumsum", "cumprod") and r.random() < 0.3
    return op, axis, keep


def axes_arg(axis, keep):
    if axis is None:
        text = "all"
    elif isinstance(axis, tuple):
        text = ",".join(str(a) for a in axis)
    else:
        text = str(axis)
    return text + ("k" if keep else "")


def agree(x, op, axis, ours, want, y=None):
    if ours.shape != want.shape:
        return f"shape {ours.shape} against numpy's {want.shape}"
    want = want.astype(np.float64)
    base = op.split(":")[0]
    if op in ("binary:matmul", "binary:dot"):
        if not np.array_equal(np.isnan(ours), np.isnan(want)):
            return f"NaN at other places: {ours!r} against {want!r}"
        inf = np.isinf(want)
        if not np.array_equal(inf, np.isinf(ours)) or not np.array_equal(ours[inf], want[inf]):
            return f"infinities differ: {ours!r} against {want!r}"
        # Sums of products in another order: within a few ulps of the sum
        # of the products' magnitudes.
        with np.errstate(all="ignore"):
            scale = np.asarray(getattr(np, op[7:])(np.abs(x), np.abs(y)), dtype=np.float64)
        finite = np.isfinite(want)
        ok = bool(np.all(np.abs(ours[finite] - want[finite]) <= 1e-13 * scale[finite] + 1e-300))
        return None if ok else f"{ours!r} against numpy's {want!r}"
    if base in ("unary", "binary"):
        if not np.array_equal(np.isnan(ours), np.isnan(want)):
            return f"NaN at other places: {ours!r} against {want!r}"
        name = op.split(":")[1]
        if name in UNARY_EXACT or name in BINARY_EXACT or name in ("clip", "nan_to_num", "concatenate", "stack"):
            ok = np.array_equal(ours, want, equal_nan=True) and np.array_equal(np.signbit(ours), np.signbit(want))
        else:
            finite = np.isfinite(want)
            ok = (np.array_equal(np.isinf(ours), np.isinf(want)) and np.array_equal(ours[~finite], want[~finite],
                                                                                       equal_nan=True)
                  and bool(np.all(np.abs(ours[finite] - want[finite]) <= 4e-16 * np.abs(want[finite]) + 1e-300)))
        return None if ok else f"{ours!r} against numpy's {want!r}"
    if base in ("quantile", "nanquantile") and np.isinf(x).any():
        # numpy's bug 21091 (README): at an order statistic next to an
        # infinity its interpolation computes inf - inf or inf * 0 and
        # returns NaN, where the statistic itself is the answer (here).
        bug = np.isnan(want) & ~np.isnan(ours)
        want = np.where(bug, ours, want)
    if not np.array_equal(np.isnan(ours), np.isnan(want)):
        return f"NaN at other places: {ours!r} against {want!r}"
    if base in EXACT or base in ("quantile", "nanquantile", "index", "transpose", "reshape"):
        ok = np.array_equal(ours, want, equal_nan=True)
    else:
        inf = np.isinf(want)
        if not np.array_equal(inf, np.isinf(ours)) or not np.array_equal(ours[inf], want[inf]):
            return f"infinities differ: {ours!r} against {want!r}"
        finite = ~np.isnan(want) & ~inf
        if base in PRODUCTS:
            tol = 1e-12 * np.abs(want[finite])
        else:
            magnitude = np.nansum(np.abs(np.where(np.isinf(x), 0, x)))
            scale = magnitude * magnitude if "var" in base else magnitude
            tol = 1e-12 * max(scale, 1e-300) + 1e-300
            if "std" in base:
                tol = np.sqrt(tol) * 1e-2 + 1e-12 * np.abs(want[finite])
        ok = bool(np.all(np.abs(ours[finite] - want[finite]) <= tol))
    return None if ok else f"{ours!r} against numpy's {want!r}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "examples", "reduce_npy"))
    args = p.parse_args()
    r = random.Random(args.seed)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        for c in range(args.cases):
            x = draw_array(r)
            chunks = draw_chunks(r, x.shape)
            y, extra = None, []
            p = r.random()
            if p < 0.2:
                op, axis, keep = draw_layout(r, x.shape), None, False
            elif p < 0.27:
                op, axis, keep = "unary:" + r.choice(UNARY_EXACT + UNARY_ROUNDED), None, False
            elif p < 0.3:
                lo, hi = sorted(r.choice([-1.0, 0.0, -0.0, 0.5, 2.0, float("inf"), -float("inf")]) for _ in range(2))
                pick = r.random() < 0.5
                op = f"unary:clip:{lo!r},{hi!r}" if pick else f"unary:nan_to_num:{r.choice([0.0, -1.5, 7.0])!r}"
                axis, keep = None, False
            elif p < 0.38:
                # A product: shapes that line up (now and then not), 1-D on
                # either side, stacks of matrices for matmul.
                name = r.choice(["matmul", "dot"])
                inner = x.shape[-1]
                k = r.choice([0, 1, 2, 3])
                if r.random() < 0.3:
                    shape = [inner]
                elif x.ndim > 2 and name == "matmul" and r.random() < 0.6:
                    # A stack: the same leading axes, some of length 1, or
                    # fewer of them (they broadcast).
                    batch = [1 if r.random() < 0.3 else n for n in x.shape[:-2]][r.randint(0, x.ndim - 2):]
                    shape = batch + [inner, k]
                elif name == "matmul" and r.random() < 0.2:
                    shape = [r.randint(1, 3), inner, k]
                else:
                    shape = [inner, k]
                if r.random() < 0.05:
                    shape[0] += 1
                op, axis, keep = "binary:" + name, None, False
                y = draw_array(r, shape)
                extra = [os.path.join(tmp, "y2.npy"), draw_chunks(r, y.shape)]
                np.save(extra[0], y)
            elif p < 0.42:
                name = r.choice(["concatenate", "stack"])
                a = r.randrange(-x.ndim, x.ndim) if name == "concatenate" else r.randrange(-x.ndim - 1, x.ndim + 1)
                shape = list(x.shape)
                if name == "concatenate":
                    shape[a] = r.choice([0, 1, 2, 3])
                if r.random() < 0.05:
                    shape = shape + [1]
                op, axis, keep = f"binary:{name}:{a}", None, False
                y = draw_array(r, shape)
                extra = [os.path.join(tmp, "y2.npy"), draw_chunks(r, y.shape)]
                np.save(extra[0], y)
            elif p < 0.52:
                op, axis, keep = "binary:" + r.choice(BINARY_EXACT + BINARY_ROUNDED), None, False
                # A shape that broadcasts against x's: some lengths 1, maybe
                # fewer or more axes (or, now and then, one that does not).
                shape = [1 if r.random() < 0.4 else n for n in x.shape][r.randint(0, x.ndim - 1):]
                if r.random() < 0.2:
                    shape = [r.randint(1, 3)] + shape
                if r.random() < 0.05:
                    shape = [n + 1 for n in shape]
                y = draw_array(r, shape)
                extra = [os.path.join(tmp, "y2.npy"), draw_chunks(r, y.shape)]
                np.save(extra[0], y)
            else:
                op, axis, keep = draw_op(r, x.ndim)
            np.save(src, x)
            try:
                want, refused = np.asarray(numpy_of(x, op, axis, keep, y)), None
            except Exception as e:  # numpy refuses
                want, refused = None, f"{type(e).__name__}: {e}"
            if os.path.exists(out):
                os.remove(out)
            run = subprocess.run([args.binary, src, out, chunks, op, axes_arg(axis, keep)] + extra,
                                 capture_output=True, text=True)
            said = run.stdout.strip()
            if run.returncode != 0:
                verdict = f"crashed: {run.stderr[-600:]}"
            elif said.startswith("error"):
                known = "dot of arrays of more than two dimensions" in said  # README
                verdict = None if refused or known else f"refused ({said}) where numpy gives {want!r}"
            elif refused and "cannot reshape array of size 0" in refused and np.load(out).size == 0:
                # numpy's quantile with keepdims over an empty array fails
                # in its own reshape; the empty result is the right one.
                verdict = None
            elif refused:
                verdict = f"numpy refuses ({refused}); ours: {np.load(out)!r}"
            else:
                verdict = agree(x, op, axis, np.load(out), want, y)
            if verdict:
                differ += 1
                print(f"case {c}: {op} axis={axis} keepdims={keep} chunks {chunks} of {x.tolist()!r}: {verdict}")
    print(f"{args.cases} cases: {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
