"""Golden files for chunked-array's numpy comparisons (tests/it/numpy.rs).

Run from anywhere with numpy installed:  python golden.py
Writes inputs (in several dtypes and orders) and numpy's results of the same
slicing, joining and reductions into golden/, and checks that from_rust.npy
(written by chunked-array's to_npy, see UPDATE_GOLDEN in numpy.rs) loads in
numpy with the values it should hold.  Tests read only the committed files.
"""
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "golden")
os.makedirs(OUT, exist_ok=True)


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(a, dtype=np.float64))


rng = np.random.default_rng(20261130)
x = rng.standard_normal((5, 6, 7))
x[1, 2, 3] = np.nan
x[4, 0, 6] = np.nan
x[2, 5, 0] = np.nan
y = rng.standard_normal((4, 6, 7))
save("x", x)
save("y", y)

# Other dtypes and layouts of one small array.
small = np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 2 - 7
np.save(os.path.join(OUT, "small_f4_fortran.npy"), np.asfortranarray(small.astype(np.float32)))
np.save(os.path.join(OUT, "small_i4.npy"), small.astype(np.int32))
np.save(os.path.join(OUT, "small_f8_big.npy"), small.astype(">f8"))
save("small", small)

# Slicing.
save("slice_a", x[1:4, ::-2, 3])
save("slice_b", x[-1, None, 2:7:3])
save("slice_c", x[::2, 1:-1, ::-3])
save("slice_d", x[..., 0])
save("slice_e", x[-2:-6:-1, 4, -1:-8:-2])

# Joining and transposing.
save("concat0", np.concatenate([x, y, x], axis=0))
save("concat2", np.concatenate([x[:4], y], axis=2))
save("stack1", np.stack([x[0], y[0], x[1]], axis=1))
save("transpose201", x.transpose(2, 0, 1))

# Reductions over axis tuples, NaN propagating as numpy's.
AXES = {"0": (0,), "12": (1, 2), "02": (0, 2), "all": None}
for key, axes in AXES.items():
    save(f"sum_{key}", np.sum(x, axis=axes))
    save(f"mean_{key}", np.mean(x, axis=axes))
    save(f"std_{key}", np.std(x, axis=axes))
    save(f"var1_{key}", np.var(x, axis=axes, ddof=1))
    save(f"min_{key}", np.min(x, axis=axes))
    save(f"max_{key}", np.max(x, axis=axes))

# NaN-ignoring reductions, numpy's ufuncs and where over the same data.
for key, axes in AXES.items():
    save(f"nansum_{key}", np.nansum(x, axis=axes))
    save(f"nanmean_{key}", np.nanmean(x, axis=axes))
    save(f"nanstd_{key}", np.nanstd(x, axis=axes))
    save(f"nanvar1_{key}", np.nanvar(x, axis=axes, ddof=1))
    save(f"nanmin_{key}", np.nanmin(x, axis=axes))
    save(f"nanmax_{key}", np.nanmax(x, axis=axes))
# A lane of NaN only: nanmean, nanmin are NaN there (numpy warns).
z = x.copy()
z[:, 3, 4] = np.nan
with np.errstate(all="ignore"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save("z", z)
        save("z_nanmean_0", np.nanmean(z, axis=0))
        save("z_nanmin_0", np.nanmin(z, axis=0))
        save("z_nanvar1_0", np.nanvar(z, axis=0, ddof=1))
save("ufuncs", np.stack([np.log1p(np.abs(x)), np.expm1(x), np.clip(x, -0.5, 0.7), np.round(x * 3), np.sign(x),
                         np.isnan(x).astype(float), np.where(x > 0.2, x, -x)]))
with np.errstate(all="ignore"):
    save("ufuncs2", np.stack([np.log2(np.abs(x)), np.log10(np.abs(x)), np.exp2(x), np.cbrt(x), np.sinh(x),
                              np.cosh(x), np.tanh(x), np.arcsin(x), np.arccos(x), np.arctan(x), np.reciprocal(x),
                              np.tan(x), np.floor(x), np.ceil(x), np.isfinite(x).astype(float)]))

# Exact quantiles (linear method), NaN lanes NaN.
for key, axes in AXES.items():
    for q in (0.0, 0.1, 0.25, 0.5, 0.9, 1.0):
        save(f"quantile_{int(q * 100)}_{key}", np.quantile(y, q, axis=axes))
save("quantile_x_30_2", np.quantile(x, 0.3, axis=2))
save("percentile_y_37_1", np.percentile(y, 37.5, axis=1))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    save("nanquantile_z_30_0", np.nanquantile(z, 0.3, axis=0))
    save("nanquantile_x_75_02", np.nanquantile(x, 0.75, axis=(0, 2)))
    save("nanpercentile_x_10_all", np.nanpercentile(x, 10))

# Scans, products and arg-extremes (x has NaN; ties in t).
for axis in (0, 1, 2):
    save(f"cumsum_x_{axis}", np.cumsum(x, axis=axis))
    save(f"cumprod_y_{axis}", np.cumprod(y * 0.5 + 1, axis=axis))
    save(f"argmin_x_{axis}", np.argmin(x, axis=axis))
    save(f"argmax_y_{axis}", np.argmax(y, axis=axis))
save("argmax_x_all", np.argmax(x))
save("argmin_y_all", np.argmin(y))
t = np.round(y * 2)
save("t", t)
save("argmax_t_1", np.argmax(t, axis=1))
save("argmin_t_all", np.argmin(t))
for key, axes in AXES.items():
    save(f"prod_{key}", np.prod(y * 0.3 + 1, axis=axes))

# keepdims=True: the reduced axes stay with length 1.
for key, axes in AXES.items():
    save(f"keep_sum_{key}", np.sum(x, axis=axes, keepdims=True))
    save(f"keep_std_{key}", np.std(x, axis=axes, keepdims=True))
    save(f"keep_var1_{key}", np.var(x, axis=axes, ddof=1, keepdims=True))
    save(f"keep_min_{key}", np.min(x, axis=axes, keepdims=True))
    save(f"keep_nanmean_{key}", np.nanmean(x, axis=axes, keepdims=True))
    save(f"keep_nanstd_{key}", np.nanstd(x, axis=axes, keepdims=True))
    save(f"keep_nanmax_{key}", np.nanmax(x, axis=axes, keepdims=True))
    save(f"keep_prod_{key}", np.prod(y * 0.3 + 1, axis=axes, keepdims=True))
    save(f"keep_quantile_30_{key}", np.quantile(y, 0.3, axis=axes, keepdims=True))
    save(f"keep_nanpercentile_60_{key}", np.nanpercentile(x, 60, axis=axes, keepdims=True))
save("keep_centred_1", x - np.nanmean(x, axis=1, keepdims=True))

# reshape (C order) into shapes that keep, merge, split and regroup axes.
RESHAPES = {"210": (210,), "30_7": (30, 7), "5_42": (5, 42), "7_30": (7, 30), "10_3_7": (10, 3, 7),
            "5_2_3_7": (5, 2, 3, 7), "1_35_6_1": (1, 35, 6, 1), "14_15": (14, 15), "5_6_7_1": (5, 6, 7, 1)}
for key, shape in RESHAPES.items():
    save(f"reshape_{key}", x.reshape(shape))
save("reshape_t_6_35", x.transpose(1, 2, 0).reshape(6, 35))
save("reshape_back_5_6_7", x.reshape(14, 15).reshape(3, 70).reshape(5, 6, 7))

# Truth reductions (NaN is true), squeeze, flattened scans.
w = np.round(x)
save("w", w)
for key, axes in AXES.items():
    save(f"any_{key}", np.any(w, axis=axes))
    save(f"all_{key}", np.all(w != 1, axis=axes))
    save(f"count_nonzero_{key}", np.count_nonzero(w, axis=axes))
save("all_keep_02", np.all(w != 1, axis=(0, 2), keepdims=True))
s4 = x[:, 2:3, None, 4:5]
save("squeeze_all", np.squeeze(s4))
save("squeeze_13", np.squeeze(s4, axis=(1, 3)))
save("cumsum_x_none", np.cumsum(x))
save("cumprod_y_none", np.cumprod(y * 0.1 + 1))
save("argmax_y_1_keep", np.argmax(y, axis=1, keepdims=True))
save("argmin_x_all_keep", np.argmin(x, keepdims=True))

# Negative axes and axis=None in joins and new axes.
save("concat_neg1", np.concatenate([x[:4], y], axis=-1))
save("concat_none", np.concatenate([x, y], axis=None))
save("stack_neg1", np.stack([x[0], y[0]], axis=-1))
save("stack_neg3", np.stack([x[0], y[0]], axis=-3))
save("expand_0_neg1", np.expand_dims(x, axis=(0, -1)))

# The file chunked-array wrote must hold x[:, ::2] * 2 + 1, bit for bit.
written = os.path.join(OUT, "from_rust.npy")
if os.path.exists(written):
    got = np.load(written)
    want = x[:, ::2] * 2 + 1
    assert got.dtype == np.float64 and got.shape == want.shape, (got.dtype, got.shape)
    assert np.array_equal(got, want, equal_nan=True), "from_rust.npy differs"
    print("from_rust.npy loads in numpy with the expected values")
print("golden files written to", OUT)
