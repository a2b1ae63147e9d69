//! Against numpy: golden files written by `tests/numpy/golden.py` (numpy's
//! own `.npy` files, read here with `from_npy`) for slicing, joining,
//! transposes and reductions over axis tuples with NaN, under several
//! chunkings; and `.npy` files written here, which that script loads in
//! numpy (`from_rust.npy`, rewritten with `UPDATE_GOLDEN=1`).

use std::path::PathBuf;

use chunked_array::{Array, ArrayError, Chunks, Index, concatenate, from_array, from_npy, stack};
use executors::Executor;
use ndarray::ArrayD;

use crate::assert_close;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/numpy/golden").join(format!("{name}.npy"))
}

fn load(name: &str) -> ArrayD<f64> {
    eval(&from_npy(golden(name), Chunks::auto()).unwrap())
}

fn eval(a: &Array) -> ArrayD<f64> {
    a.compute(&Executor::sequential()).unwrap()
}

fn chunkings() -> Vec<Chunks> {
    vec![Chunks::Size(1), Chunks::Size(2), Chunks::Sizes(vec![3, 4, 5]), Chunks::auto()]
}

#[test]
fn slicing_joining_and_transposes_equal_numpy() {
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        let y = from_npy(golden("y"), Chunks::Size(3)).unwrap();
        let i = |a: &Array, idx: &[Index]| a.index(idx).unwrap();
        let cases = [
            ("slice_a", i(&x, &[Index::range(1, 4, 1), Index::step(.., -2), Index::At(3)])),
            ("slice_b", i(&x, &[Index::At(-1), Index::NewAxis, Index::range(2, 7, 3)])),
            ("slice_c", i(&x, &[Index::step(.., 2), Index::range(1, -1, 1), Index::step(.., -3)])),
            ("slice_d", i(&x, &[Index::Ellipsis, Index::At(0)])),
            ("slice_e", i(&x, &[Index::range(-2, -6, -1), Index::At(4), Index::range(-1, -8, -2)])),
            ("concat0", concatenate(&[x.clone(), y.clone(), x.clone()], 0).unwrap()),
            ("concat2", concatenate(&[i(&x, &[Index::range(None, 4, 1)]), y.clone()], 2).unwrap()),
            (
                "stack1",
                stack(&[i(&x, &[Index::At(0)]), i(&y, &[Index::At(0)]), i(&x, &[Index::At(1)])], 1).unwrap(),
            ),
            ("transpose201", x.transpose_axes(&[2, 0, 1]).unwrap()),
        ];
        for (name, a) in cases {
            // Selections move values: equal bit for bit, NaN where numpy's is.
            let (got, want) = (eval(&a), load(name));
            assert_eq!(got.shape(), want.shape(), "{name} {chunks:?}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.to_bits(), w.to_bits(), "{name} {chunks:?}");
            }
        }
    }
}

#[test]
fn reductions_over_axis_tuples_with_nan_equal_numpy() {
    let axes: [(&str, Option<Vec<usize>>); 4] =
        [("0", Some(vec![0])), ("12", Some(vec![1, 2])), ("02", Some(vec![0, 2])), ("all", None)];
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        for (key, ax) in &axes {
            let a = || -> chunked_array::Axes { ax.clone().map_or(chunked_array::Axes::All, Into::into) };
            let cases = [
                ("sum", x.sum(a()).unwrap()),
                ("mean", x.mean(a()).unwrap()),
                ("std", x.std(a()).unwrap()),
                ("var1", x.var_ddof(a(), 1).unwrap()),
                ("min", x.min(a()).unwrap()),
                ("max", x.max(a()).unwrap()),
            ];
            for (stat, r) in cases {
                let want = load(&format!("{stat}_{key}"));
                assert_close(&eval(&r), &want, 1e-13);
            }
        }
    }
}

#[test]
fn numpy_dtypes_and_orders_load_as_f64() {
    let want = load("small");
    for name in ["small_f4_fortran", "small_i4", "small_f8_big"] {
        for chunks in [Chunks::Size(1), Chunks::Size(2), Chunks::auto()] {
            assert_eq!(eval(&from_npy(golden(name), chunks).unwrap()), want, "{name}");
        }
    }
}

#[test]
fn files_written_here_are_the_ones_numpy_checked() {
    // golden.py asserts that numpy loads from_rust.npy as x[:, ::2] * 2 + 1.
    let exec = Executor::new(executors::Strategy::Graph, 3).unwrap();
    let x = from_npy(golden("x"), Chunks::Size(2)).unwrap();
    let result = &x.index(&[Index::full(), Index::step(.., 2)]).unwrap() * 2.0 + 1.0;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("from_rust.npy");
    result.to_npy(&path, &exec).unwrap();
    let written = std::fs::read(&path).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden("from_rust"), &written).unwrap();
    }
    assert_eq!(written, std::fs::read(golden("from_rust")).unwrap(), "to_npy's bytes changed");
    // And it reads back here under another chunking (NaN included).
    let back = eval(&from_npy(&path, Chunks::Size(3)).unwrap());
    let bits = |a: &ArrayD<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&back), bits(&eval(&result)));
}

#[test]
fn bad_npy_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.npy");
    assert!(matches!(from_npy(&missing, 2), Err(ArrayError::Npy { .. })));
    let text = dir.path().join("text.npy");
    std::fs::write(&text, b"hello, this is not numpy").unwrap();
    let e = from_npy(&text, 2).unwrap_err();
    assert!(e.to_string().contains("not an .npy file"), "{e}");
    // A header promising more data than the file holds.
    let mut short = std::fs::read(golden("small")).unwrap();
    short.truncate(short.len() - 8);
    let cut = dir.path().join("short.npy");
    std::fs::write(&cut, &short).unwrap();
    let e = from_npy(&cut, 2).unwrap_err();
    assert!(e.to_string().contains("needs more data"), "{e}");
    // An unsupported dtype.
    let mut complex = std::fs::read(golden("small")).unwrap();
    let at = complex.windows(3).position(|w| w == b"<f8").unwrap();
    complex[at..at + 3].copy_from_slice(b"<c8");
    let c = dir.path().join("complex.npy");
    std::fs::write(&c, &complex).unwrap();
    let e = from_npy(&c, 2).unwrap_err();
    assert!(e.to_string().contains("dtype \"<c8\" is not supported"), "{e}");
}

#[test]
fn results_beyond_a_memory_budget_suggest_to_npy() {
    let exec = Executor::sequential();
    let a = chunked_array::random::standard_normal(0, &[1000, 1000], 250).unwrap();
    let e = a.compute_within(&exec, 1 << 20).unwrap_err();
    assert!(matches!(e, ArrayError::TooLarge { budget: 1_048_576, .. }));
    assert!(e.to_string().contains("takes 8000000 bytes"), "{e}");
    assert!(e.to_string().contains("to_npy"), "{e}");
    assert_eq!(a.mean(..).unwrap().compute_within(&exec, 8).unwrap().len(), 1);
}

/// Records the regions it is given; fails on a block when asked to.
struct Recorder {
    seen: std::sync::Mutex<Vec<Vec<std::ops::Range<usize>>>>,
    fail_at: Option<usize>,
}

impl chunked_array::BlockWriter for Recorder {
    fn write_block(
        &self,
        region: &[std::ops::Range<usize>],
        block: ndarray::ArrayViewD<'_, f64>,
    ) -> Result<(), String> {
        let lens: Vec<usize> = region.iter().map(|r| r.len()).collect();
        assert_eq!(block.shape(), lens.as_slice());
        if self.fail_at == Some(region[0].start) {
            return Err(format!("disk full at row {}", region[0].start));
        }
        self.seen.lock().unwrap().push(region.to_vec());
        Ok(())
    }
}

#[test]
fn store_hands_every_block_to_the_writer_once() {
    let a = chunked_array::random::uniform(1, 0.0, 1.0, &[10, 9, 4], [3, 4, 4]).unwrap();
    for exec in crate::executors() {
        let rec = std::sync::Arc::new(Recorder { seen: Default::default(), fail_at: None });
        a.store(rec.clone(), &exec).unwrap();
        let mut seen = rec.seen.lock().unwrap().clone();
        seen.sort_by_key(|r| (r[0].start, r[1].start));
        assert_eq!(seen.len(), a.num_blocks());
        assert_eq!(seen[0], vec![0..3, 0..4, 0..4]);
        assert_eq!(seen[seen.len() - 1], vec![9..10, 8..9, 0..4]);
    }
    let failing = std::sync::Arc::new(Recorder { seen: Default::default(), fail_at: Some(6) });
    let e = a.store(failing, &Executor::sequential()).unwrap_err();
    assert!(e.to_string().contains("disk full at row 6"), "{e}");
}

#[test]
fn empty_and_zero_dimensional_arrays_round_trip() {
    let exec = Executor::sequential();
    let dir = tempfile::tempdir().unwrap();
    for shape in [vec![0, 3], vec![], vec![4]] {
        let path = dir.path().join("a.npy");
        let a = chunked_array::full(&shape, 2.5, 2).unwrap();
        a.to_npy(&path, &exec).unwrap();
        assert_eq!(eval(&from_npy(&path, 2).unwrap()), eval(&a), "{shape:?}");
    }
    // A failed write leaves the target as it was: the source file is cut
    // short after it was opened, so reading its blocks fails midway.
    let keep = dir.path().join("keep.npy");
    std::fs::write(&keep, b"old").unwrap();
    let source = dir.path().join("source.npy");
    chunked_array::full(&[100, 10], 1.0, 10).unwrap().to_npy(&source, &exec).unwrap();
    let a = from_npy(&source, 10).unwrap();
    std::fs::OpenOptions::new().write(true).open(&source).unwrap().set_len(400).unwrap();
    let e = a.to_npy(&keep, &exec).unwrap_err();
    assert!(e.to_string().contains("source.npy"), "{e}");
    assert_eq!(std::fs::read(&keep).unwrap(), b"old");
}

#[test]
fn nan_ignoring_reductions_equal_numpy() {
    let axes: [(&str, chunked_array::Axes); 4] =
        [("0", 0.into()), ("12", [1, 2].into()), ("02", [0, 2].into()), ("all", chunked_array::Axes::All)];
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        for (key, ax) in &axes {
            let cases = [
                ("nansum", x.nansum(ax.clone()).unwrap()),
                ("nanmean", x.nanmean(ax.clone()).unwrap()),
                ("nanstd", x.nanstd(ax.clone()).unwrap()),
                ("nanvar1", x.nanvar_ddof(ax.clone(), 1).unwrap()),
                ("nanmin", x.nanmin(ax.clone()).unwrap()),
                ("nanmax", x.nanmax(ax.clone()).unwrap()),
            ];
            for (stat, r) in cases {
                assert_close(&eval(&r), &load(&format!("{stat}_{key}")), 1e-13);
            }
        }
        // A lane of NaN only gives NaN, as numpy (which warns).
        let z = from_npy(golden("z"), chunks).unwrap();
        assert_close(&eval(&z.nanmean(0).unwrap()), &load("z_nanmean_0"), 1e-13);
        assert_close(&eval(&z.nanmin(0).unwrap()), &load("z_nanmin_0"), 0.0);
        assert_close(&eval(&z.nanvar_ddof(0, 1).unwrap()), &load("z_nanvar1_0"), 1e-13);
    }
    let empty = chunked_array::zeros(&[0, 3], 2).unwrap();
    assert!(matches!(empty.nanmax(0), Err(ArrayError::EmptyReduction { op: "nanmax", .. })));
}

#[test]
fn ufuncs_and_where_equal_numpy() {
    let x = from_npy(golden("x"), Chunks::Size(2)).unwrap();
    let mask = x.greater(&chunked_array::full(&[], 0.2, 1).unwrap()).unwrap();
    let parts = [
        x.abs().log1p(),
        x.expm1(),
        x.clip(-0.5, 0.7).unwrap(),
        (&x * 3.0).round(),
        x.sign(),
        x.isnan(),
        chunked_array::where_(&mask, &x, &-&x).unwrap(),
    ];
    assert_close(&eval(&stack(&parts, 0).unwrap()), &load("ufuncs"), 1e-15);
    let more = [
        x.abs().log2(),
        x.abs().log10(),
        x.exp2(),
        x.cbrt(),
        x.sinh(),
        x.cosh(),
        x.tanh(),
        x.arcsin(),
        x.arccos(),
        x.arctan(),
        x.reciprocal(),
        x.tan(),
        x.floor(),
        x.ceil(),
        x.isfinite(),
    ];
    // libm and numpy's own loops may differ in the last bit or two.
    assert_close(&eval(&stack(&more, 0).unwrap()), &load("ufuncs2"), 1e-14);
    assert!(x.clip(1.0, 0.0).is_err());
}

/// Where numpy differs on purpose (README): at a rank that is an order
/// statistic the quantile is that statistic, as `np.median` and pandas give
/// it, even next to an infinity, where numpy's `quantile` interpolates
/// `x + (inf - x) * 0` and returns NaN (numpy issue 21091, open as a bug).
#[test]
fn a_quantile_at_an_order_statistic_next_to_an_infinity_is_that_statistic() {
    let inf = f64::INFINITY;
    let lanes = ndarray::arr2(&[[1.0, 2.0, inf], [-inf, 3.0, 5.0], [-inf, -inf, 4.0]]).into_dyn();
    // Each lane's quantiles at 0, 0.5 and 1 (order statistics all), and at
    // 0.25 and 0.75 (between two, interpolated by numpy's formula: NaN
    // where it meets an infinity on both sides of a subtraction, as numpy
    // gives). numpy's own row at 0.5 is [nan, 3, nan].
    let nan = f64::NAN;
    let want = [[1.0, 2.0, inf, 1.5, nan], [-inf, 3.0, 5.0, -inf, 4.0], [-inf, -inf, 4.0, nan, -inf]];
    for chunks in [1, 2, 3] {
        let a = from_array(&lanes, chunks).unwrap();
        for (k, q) in [0.0, 0.5, 1.0, 0.25, 0.75].into_iter().enumerate() {
            // Along each lane (in place per block), and over one lane's
            // every element (streamed).
            let got = eval(&a.quantile(q, 1).unwrap());
            for (lane, want) in want.iter().enumerate() {
                let (got, want) = (got[[lane]], want[k]);
                assert!(got == want || got.is_nan() && want.is_nan(), "lane {lane}, q {q}: {got}");
                let row = a.index(&[Index::At(lane.try_into().unwrap()), Index::full()]).unwrap();
                let all = row.quantile(q, ..).unwrap().compute_scalar(&Executor::sequential()).unwrap();
                assert!(all == want || all.is_nan() && want.is_nan(), "lane {lane} streamed, q {q}: {all}");
            }
        }
    }
}

#[test]
fn quantiles_equal_numpy() {
    let axes: [(&str, chunked_array::Axes); 4] =
        [("0", 0.into()), ("12", [1, 2].into()), ("02", [0, 2].into()), ("all", chunked_array::Axes::All)];
    for chunks in chunkings() {
        let y = from_npy(golden("y"), chunks.clone()).unwrap();
        for (key, ax) in &axes {
            for q in [0, 10, 25, 50, 90, 100] {
                let got = eval(&y.quantile(f64::from(q) / 100.0, ax.clone()).unwrap());
                assert_close(&got, &load(&format!("quantile_{q}_{key}")), 0.0);
            }
        }
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        assert_close(&eval(&x.quantile(0.3, 2).unwrap()), &load("quantile_x_30_2"), 0.0);
        assert_close(&eval(&y.percentile(37.5, 1).unwrap()), &load("percentile_y_37_1"), 0.0);
        let z = from_npy(golden("z"), chunks.clone()).unwrap();
        assert_close(&eval(&z.nanquantile(0.3, 0).unwrap()), &load("nanquantile_z_30_0"), 0.0);
        assert_close(&eval(&x.nanquantile(0.75, [0, 2]).unwrap()), &load("nanquantile_x_75_02"), 0.0);
        assert_close(&eval(&x.nanpercentile(10.0, ..).unwrap()), &load("nanpercentile_x_10_all"), 0.0);
    }
    let y = from_npy(golden("y"), 2).unwrap();
    assert!(matches!(y.quantile(1.5, 0), Err(ArrayError::InvalidParameter { .. })));
    assert!(matches!(y.percentile(-1.0, 0), Err(ArrayError::InvalidParameter { .. })));
    let empty = chunked_array::zeros(&[0, 3], 2).unwrap();
    assert!(matches!(empty.quantile(0.5, 0), Err(ArrayError::EmptyReduction { op: "quantile", .. })));
}

#[test]
fn map_blocks_and_blockwise_see_whole_blocks() {
    let exec = Executor::new(executors::Strategy::Graph, 2).unwrap();
    let x = from_npy(golden("y"), Chunks::Sizes(vec![3, 6, 7])).unwrap();
    // Each block centred on its own mean: every block's sum is ~0.
    let centred = x.map_blocks(|b| Ok(&b - b.mean().unwrap_or(0.0))).unwrap();
    let sums = centred.map_blocks(|b| Ok(ArrayD::from_elem(b.raw_dim(), b.sum()))).unwrap();
    assert!(eval(&sums).iter().all(|s| s.abs() < 1e-12));
    // Downstream reductions read the blocks; any executor gives the same.
    let m = centred.max(..).unwrap();
    assert_eq!(m.compute(&exec).unwrap(), eval(&m));
    // A wrong block shape is reported.
    let bad = x.map_blocks(|_| Ok(ArrayD::zeros(ndarray::IxDyn(&[1])))).unwrap();
    let e = bad.compute(&exec).unwrap_err();
    assert!(e.to_string().contains("the block function returned shape [1]"), "{e}");
    let f: chunked_array::BlockFn = std::sync::Arc::new(|b| Ok(b[0].to_owned()));
    let e = chunked_array::blockwise(
        f,
        std::slice::from_ref(&x),
        Chunks::Explicit(vec![vec![4], vec![6], vec![7]]),
    )
    .unwrap_err();
    assert!(matches!(e, ArrayError::ChunksDoNotFit { .. }), "{e}");
}

#[test]
fn scans_products_and_arg_extremes_equal_numpy() {
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        let y = from_npy(golden("y"), chunks.clone()).unwrap();
        let t = from_npy(golden("t"), chunks.clone()).unwrap();
        for axis in 0..3 {
            assert_close(&eval(&x.cumsum(axis).unwrap()), &load(&format!("cumsum_x_{axis}")), 1e-13);
            let c = (&y * 0.5 + 1.0).cumprod(axis).unwrap();
            assert_close(&eval(&c), &load(&format!("cumprod_y_{axis}")), 1e-13);
            assert_eq!(eval(&x.argmin(Some(axis)).unwrap()), load(&format!("argmin_x_{axis}")), "{chunks:?}");
            assert_eq!(eval(&y.argmax(Some(axis)).unwrap()), load(&format!("argmax_y_{axis}")));
        }
        assert_eq!(eval(&x.argmax(None).unwrap()), load("argmax_x_all"));
        assert_eq!(eval(&y.argmin(None).unwrap()), load("argmin_y_all"));
        assert_eq!(eval(&t.argmax(Some(1)).unwrap()), load("argmax_t_1"), "ties take the first");
        assert_eq!(eval(&t.argmin(None).unwrap()), load("argmin_t_all"));
        let p = &y * 0.3 + 1.0;
        for (key, ax) in [
            ("0", chunked_array::Axes::from(0)),
            ("12", [1, 2].into()),
            ("02", [0, 2].into()),
            ("all", chunked_array::Axes::All),
        ] {
            assert_close(&eval(&p.prod(ax).unwrap()), &load(&format!("prod_{key}")), 1e-13);
        }
    }
    let empty = chunked_array::zeros(&[0, 3], 2).unwrap();
    assert_eq!(eval(&empty.prod(0).unwrap()).into_raw_vec_and_offset().0, vec![1.0; 3]);
    assert_eq!(eval(&empty.cumsum(0).unwrap()).shape(), &[0, 3]);
    assert!(matches!(empty.argmax(Some(0)), Err(ArrayError::EmptyReduction { op: "argmax", .. })));
    assert!(matches!(empty.cumsum(2), Err(ArrayError::AxisOutOfRange { .. })));
}

#[test]
fn a_file_can_be_rewritten_from_itself() {
    // The result goes to a temporary file renamed over the target at the
    // end; the source keeps reading the file it opened.
    let exec = Executor::new(executors::Strategy::Graph, 2).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npy");
    let x = chunked_array::random::uniform(5, 0.0, 1.0, &[50, 40], 7).unwrap();
    x.to_npy(&path, &exec).unwrap();
    let doubled = &from_npy(&path, 9).unwrap() * 2.0;
    doubled.to_npy(&path, &exec).unwrap();
    assert_eq!(eval(&from_npy(&path, 11).unwrap()), eval(&x).mapv(|v| v * 2.0));
}

#[test]
fn long_contiguous_runs_read_back_whole() {
    // 2.4 MB in one block: read in pieces of at most 1 MiB.
    let exec = Executor::sequential();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.npy");
    let x = chunked_array::random::uniform(8, -1.0, 1.0, &[300_000], 300_000).unwrap();
    x.to_npy(&path, &exec).unwrap();
    let back = from_npy(&path, 300_000).unwrap();
    assert_eq!(back.num_blocks(), 1);
    assert_eq!(eval(&back), eval(&x));
    // A block function reads its whole block in one region.
    let whole = back.map_blocks(|b| Ok(b.to_owned())).unwrap();
    assert_eq!(eval(&whole), eval(&x));
    let m = from_npy(&path, 300_000).unwrap().reshape(&[600, 500]).unwrap();
    assert_eq!(eval(&m.index(&[Index::At(599)]).unwrap()).len(), 500);
}

#[test]
fn keepdims_reductions_equal_numpy() {
    use chunked_array::Axes;
    let axes: [(&str, Axes); 4] =
        [("0", 0.into()), ("12", [1, 2].into()), ("02", [0, 2].into()), ("all", Axes::All)];
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        let y = from_npy(golden("y"), chunks.clone()).unwrap();
        for (key, ax) in &axes {
            let k = || ax.clone().keepdims();
            let cases = [
                ("sum", x.sum(k()).unwrap()),
                ("std", x.std(k()).unwrap()),
                ("var1", x.var_ddof(k(), 1).unwrap()),
                ("min", x.min(k()).unwrap()),
                ("nanmean", x.nanmean(k()).unwrap()),
                ("nanstd", x.nanstd(k()).unwrap()),
                ("nanmax", x.nanmax(k()).unwrap()),
                ("prod", (&y * 0.3 + 1.0).prod(k()).unwrap()),
                ("quantile_30", y.quantile(0.3, k()).unwrap()),
                ("nanpercentile_60", x.nanpercentile(60.0, k()).unwrap()),
            ];
            for (stat, r) in cases {
                let want = load(&format!("keep_{stat}_{key}"));
                // The shape is known before computing, and is numpy's.
                assert_eq!(r.shape(), want.shape(), "{stat} {key}");
                assert_close(&eval(&r), &want, 1e-13);
            }
        }
        // The kept axis broadcasts against the input, as numpy's does.
        let centred = (&x - &x.nanmean(Axes::from(1).keepdims()).unwrap()).unwrap();
        assert_close(&eval(&centred), &load("keep_centred_1"), 1e-13);
    }
    // Asking twice is asking once; a bad axis is still named.
    let x = from_npy(golden("x"), 3).unwrap();
    assert_eq!(x.sum(Axes::from(2).keepdims().keepdims()).unwrap().shape(), &[5, 6, 1]);
    let e = x.mean(Axes::from([0, 3]).keepdims()).unwrap_err();
    assert!(matches!(e, ArrayError::AxisOutOfRange { axis: 3, .. }), "{e}");
    let e = x.nanmax(Axes::from([1, 1]).keepdims()).unwrap_err();
    assert!(matches!(e, ArrayError::RepeatedAxis { axis: 1, .. }), "{e}");
    let empty = chunked_array::zeros(&[0, 3], 2).unwrap();
    assert!(matches!(empty.max(Axes::from(0).keepdims()), Err(ArrayError::EmptyReduction { op: "max", .. })));
    assert_eq!(eval(&empty.sum(Axes::from(0).keepdims()).unwrap()).shape(), &[1, 3]);
}

#[test]
fn reshape_equals_numpy_under_every_chunking() {
    let shapes: [(&str, &[usize]); 9] = [
        ("210", &[210]),
        ("30_7", &[30, 7]),
        ("5_42", &[5, 42]),
        ("7_30", &[7, 30]),
        ("10_3_7", &[10, 3, 7]),
        ("5_2_3_7", &[5, 2, 3, 7]),
        ("1_35_6_1", &[1, 35, 6, 1]),
        ("14_15", &[14, 15]),
        ("5_6_7_1", &[5, 6, 7, 1]),
    ];
    let mut all = chunkings();
    all.push(Chunks::Sizes(vec![2, 5, 3]));
    all.push(Chunks::Explicit(vec![vec![1, 4], vec![6], vec![2, 2, 3]]));
    for chunks in all {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        for (key, shape) in shapes {
            let r = x.reshape(shape).unwrap();
            let want = load(&format!("reshape_{key}"));
            let got = eval(&r);
            assert_eq!(got.shape(), want.shape());
            // Values move, bit for bit (NaN included).
            let bits = |a: &ArrayD<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{chunks:?} -> {key}");
            // Read by a consumer cut otherwise, and reduced.
            let other = from_array(&want, 4).unwrap();
            assert!(eval(&(&r - &other).unwrap()).iter().all(|v| v.is_nan() || *v == 0.0));
        }
        let t = x.transpose_axes(&[1, 2, 0]).unwrap().reshape(&[6, 35]).unwrap();
        assert_eq!(
            eval(&t).iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            load("reshape_t_6_35").iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        let back = x.reshape(&[14, 15]).unwrap().reshape(&[3, 70]).unwrap().reshape(&[5, 6, 7]).unwrap();
        assert_eq!(
            eval(&back).iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            load("reshape_back_5_6_7").iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn truth_reductions_squeeze_and_flat_scans_equal_numpy() {
    use chunked_array::Axes;
    let axes: [(&str, Axes); 4] =
        [("0", 0.into()), ("12", [1, 2].into()), ("02", [0, 2].into()), ("all", Axes::All)];
    for chunks in chunkings() {
        let w = from_npy(golden("w"), chunks.clone()).unwrap();
        let not_one = w.not_equal(&chunked_array::full(&[], 1.0, 1).unwrap()).unwrap();
        for (key, ax) in &axes {
            // NaN is true, as numpy's truth of NaN.
            assert_eq!(eval(&w.any(ax.clone()).unwrap()), load(&format!("any_{key}")), "any {key}");
            assert_eq!(eval(&not_one.all(ax.clone()).unwrap()), load(&format!("all_{key}")), "all {key}");
            let count = eval(&w.count_nonzero(ax.clone()).unwrap());
            assert_eq!(count, load(&format!("count_nonzero_{key}")), "count_nonzero {key}");
        }
        assert_eq!(eval(&not_one.all(Axes::from([0, 2]).keepdims()).unwrap()), load("all_keep_02"));
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        let s4 =
            x.index(&[Index::full(), Index::range(2, 3, 1), Index::NewAxis, Index::range(4, 5, 1)]).unwrap();
        assert_eq!(s4.shape(), &[5, 1, 1, 1]);
        let bits = |a: &ArrayD<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let sq = eval(&s4.squeeze(..).unwrap());
        assert_eq!((sq.shape(), bits(&sq)), (load("squeeze_all").shape(), bits(&load("squeeze_all"))));
        let sq = eval(&s4.squeeze([1, 3]).unwrap());
        assert_eq!((sq.shape(), bits(&sq)), (load("squeeze_13").shape(), bits(&load("squeeze_13"))));
        assert!(matches!(s4.squeeze(0), Err(ArrayError::InvalidIndex { .. })));
        assert!(matches!(s4.squeeze(4), Err(ArrayError::AxisOutOfRange { axis: 4, .. })));
        assert_close(&eval(&x.cumsum(None).unwrap()), &load("cumsum_x_none"), 1e-13);
        let y = from_npy(golden("y"), chunks).unwrap();
        assert_close(&eval(&(&y * 0.1 + 1.0).cumprod(None).unwrap()), &load("cumprod_y_none"), 1e-13);
        // An axis given plainly, as numpy's argmax(axis=1), from the end,
        // or kept.
        assert_eq!(eval(&y.argmax(1).unwrap()), load("argmax_y_1"));
        assert_eq!(eval(&y.argmax(-2).unwrap()), load("argmax_y_1"));
        assert_eq!(eval(&x.argmin(-1).unwrap()), load("argmin_x_2"));
        assert_eq!(eval(&y.argmax(Axes::from(1).keepdims()).unwrap()), load("argmax_y_1_keep"));
        assert_eq!(eval(&x.argmin(Axes::All.keepdims()).unwrap()), load("argmin_x_all_keep"));
        assert_close(&eval(&x.cumsum(-1).unwrap()), &load("cumsum_x_2"), 1e-13);
        assert_close(&eval(&x.cumsum(..).unwrap()), &load("cumsum_x_none"), 1e-13);
        assert!(matches!(x.cumsum([0, 1]), Err(ArrayError::InvalidParameter { name: "cumsum", .. })));
        assert!(matches!(x.cumprod(Axes::from(0).keepdims()), Err(ArrayError::InvalidParameter { .. })));
    }
    // Over no elements: any is false, all is true, as numpy.
    let empty = chunked_array::zeros(&[0, 3], 2).unwrap();
    assert_eq!(eval(&empty.any(0).unwrap()).into_raw_vec_and_offset().0, vec![0.0; 3]);
    assert_eq!(eval(&empty.all(0).unwrap()).into_raw_vec_and_offset().0, vec![1.0; 3]);
}

#[test]
fn negative_axes_count_from_the_end_as_numpy() {
    use chunked_array::Axes;
    let x = from_npy(golden("x"), 2).unwrap();
    assert_close(&eval(&x.sum(-1).unwrap()), &eval(&x.sum(2).unwrap()), 0.0);
    assert_close(&eval(&x.nanmean([0, -1]).unwrap()), &load("nanmean_02"), 1e-13);
    assert_close(&eval(&x.std(Axes::from([-2, -1]).keepdims()).unwrap()), &load("keep_std_12"), 1e-13);
    assert_eq!(x.quantile(0.3, -3).unwrap().shape(), &[6, 7]);
    assert_eq!(x.squeeze(Axes::Signed(vec![])).unwrap().shape(), &[5, 6, 7]);
    let e = x.sum(-4).unwrap_err();
    assert!(matches!(e, ArrayError::InvalidParameter { name: "axis", .. }), "{e}");
    assert!(e.to_string().contains("-4 is out of bounds for an array of shape (5, 6, 7)"), "{e}");
    let e = x.max([2, -1]).unwrap_err();
    assert!(matches!(e, ArrayError::RepeatedAxis { axis: 2, .. }), "{e}");
}

#[test]
fn persisted_arrays_read_no_file_and_keep_their_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npy");
    std::fs::copy(golden("x"), &path).unwrap();
    for exec in crate::executors() {
        let x = from_npy(&path, Chunks::Sizes(vec![2, 4, 5])).unwrap();
        let centred = (&x - &x.nanmean(chunked_array::Axes::from(0).keepdims()).unwrap()).unwrap();
        let want = eval(&centred);
        let kept = centred.persist(&exec).unwrap();
        assert_eq!(kept.chunks(), centred.chunks());
        // The file cut short (the lazy array keeps it open and reads it).
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(100).unwrap();
        assert!(centred.compute(&exec).is_err(), "the lazy array reads the file again");
        let bits = |a: &ArrayD<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&kept.compute(&exec).unwrap()), bits(&want));
        assert_close(&eval(&kept.nansum(1).unwrap()), &eval(&centred_sum(&want)), 1e-12);
        std::fs::copy(golden("x"), &path).unwrap();
    }
    let x = from_npy(&path, 3).unwrap();
    let e = x.persist_within(&Executor::sequential(), 1000).unwrap_err();
    assert!(matches!(e, ArrayError::TooLarge { budget: 1000, .. }), "{e}");
    assert_eq!(x.persist_within(&Executor::sequential(), 210 * 8).unwrap().shape(), x.shape());
}

/// numpy's nansum over axis 1 of an in-memory array.
fn centred_sum(a: &ArrayD<f64>) -> Array {
    let s = a.map_axis(ndarray::Axis(1), |lane| lane.iter().filter(|v| !v.is_nan()).sum::<f64>());
    from_array(&s, 3).unwrap()
}

#[test]
fn joins_and_new_axes_take_negative_axes_and_none_as_numpy() {
    let bits = |a: &ArrayD<f64>| (a.shape().to_vec(), a.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    for chunks in chunkings() {
        let x = from_npy(golden("x"), chunks.clone()).unwrap();
        let y = from_npy(golden("y"), Chunks::Size(3)).unwrap();
        let x4 = x.index(&[Index::range(None, 4, 1)]).unwrap();
        let (x0, y0) = (x.index(&[Index::At(0)]).unwrap(), y.index(&[Index::At(0)]).unwrap());
        let cases = [
            ("concat_neg1", concatenate(&[x4, y.clone()], -1).unwrap()),
            ("concat_none", concatenate(&[x.clone(), y.clone()], None).unwrap()),
            ("stack_neg1", stack(&[x0.clone(), y0.clone()], -1).unwrap()),
            ("stack_neg3", stack(&[x0.clone(), y0.clone()], -3).unwrap()),
            ("expand_0_neg1", x.expand_dims([0, -1]).unwrap()),
        ];
        for (name, a) in cases {
            assert_eq!(bits(&eval(&a)), bits(&load(name)), "{name} {chunks:?}");
        }
        assert!(matches!(
            stack(&[x0.clone(), y0], -4),
            Err(ArrayError::InvalidParameter { name: "axis", .. })
        ));
        assert!(matches!(
            stack(std::slice::from_ref(&x0), ..),
            Err(ArrayError::InvalidParameter { name: "stack", .. })
        ));
        assert!(matches!(
            concatenate(&[x.clone(), x.clone()], [0, 1]),
            Err(ArrayError::InvalidParameter { .. })
        ));
        assert!(matches!(x.expand_dims([1, 1]), Err(ArrayError::RepeatedAxis { .. })));
        assert!(matches!(x.expand_dims(4), Err(ArrayError::AxisOutOfRange { axis: 4, .. })));
        assert!(matches!(x.expand_dims(..), Err(ArrayError::InvalidParameter { .. })));
    }
}

/// `sign` and `clip` at zeros and at the bounds, as numpy 2 gives them:
/// `np.sign([-2., -0., 0., 3., np.nan])` is `[-1., 0., 0., 1., nan]`
/// (both zeros positive); `np.clip` keeps a value equal to a bound, with
/// its zero's sign: `np.clip([-0., 0.], 0., 1.)` is `[-0., 0.]` and
/// `np.clip([0., -0.], -1., -0.)` is `[0., -0.]` (checked with
/// `np.signbit`).
#[test]
fn sign_and_clip_at_zeros_and_bounds_equal_numpy() {
    let bits = |v: &ArrayD<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let of =
        |v: Vec<f64>| from_array(&ArrayD::from_shape_vec(ndarray::IxDyn(&[v.len()]), v).unwrap(), 2).unwrap();
    // (The sign of the zero numpy gives for -0. is not checked here.)
    let s = eval(&of(vec![-2.0, -0.0, 0.0, 3.0, f64::NAN]).sign());
    assert_eq!(s.iter().take(4).copied().collect::<Vec<_>>(), [-1.0, 0.0, 0.0, 1.0], "{s}");
    assert!(s.iter().nth(4).is_some_and(|x| x.is_nan()), "{s}");
    let c = eval(&of(vec![-0.0, 0.0]).clip(0.0, 1.0).unwrap());
    assert_eq!(bits(&c), [(-0.0f64).to_bits(), 0.0f64.to_bits()]);
    let c = eval(&of(vec![0.0, -0.0]).clip(-1.0, -0.0).unwrap());
    assert_eq!(bits(&c), [0.0f64.to_bits(), (-0.0f64).to_bits()]);
}

#[test]
fn to_npy_writes_its_temporary_file_beside_the_target() {
    // The temporary file is created in the target's directory and renamed
    // over the target: a rename cannot cross filesystems, so a target on
    // another filesystem than the working directory (here tmpfs) must
    // still be written. Where no such directory exists there is nothing
    // to tell apart.
    use std::os::unix::fs::MetadataExt;
    let (Ok(shm), Ok(cwd)) = (std::fs::metadata("/dev/shm"), std::fs::metadata(".")) else { return };
    if !shm.is_dir() || shm.dev() == cwd.dev() {
        return;
    }
    let dir = tempfile::tempdir_in("/dev/shm").unwrap();
    let path = dir.path().join("x.npy");
    let x = chunked_array::random::uniform(1, 0.0, 1.0, &[7, 3], 2).unwrap();
    x.to_npy(&path, &Executor::sequential()).unwrap();
    assert_eq!(eval(&from_npy(&path, 3).unwrap()), eval(&x));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["x.npy"], "only the target is left");
}
