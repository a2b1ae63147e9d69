//! Arrays of three and more dimensions against brute-force dense
//! computations: seeded values by global index, reductions over every set
//! of axes under several chunkings, broadcasting and transposes.

use chunked_array::{Array, Axes, Chunks, compute, from_array, random};
use executors::Executor;
use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;

use crate::assert_close;

fn eval(a: &Array) -> ArrayD<f64> {
    a.compute(&Executor::sequential()).unwrap()
}

/// A 3-D array with varied values, no two equal.
fn cube(shape: &[usize]) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(shape), |ix| {
        let s: f64 = (0..shape.len()).map(|d| (d as f64 + 1.3) * ix[d] as f64).sum();
        (s * 0.77).sin() * 2.0 + 0.01 * s
    })
}

#[derive(Clone, Copy, Debug)]
enum Stat {
    Sum,
    Mean,
    Var(usize),
    Std(usize),
    Min,
    Max,
}

/// The statistic over `axes` by gathering each lane's elements.
fn reference(x: &ArrayD<f64>, axes: &[usize], stat: Stat) -> ArrayD<f64> {
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !axes.contains(d)).collect();
    let out_shape: Vec<usize> = kept.iter().map(|&d| x.shape()[d]).collect();
    let mut lanes: Vec<Vec<f64>> = vec![Vec::new(); out_shape.iter().product()];
    let out_dim = IxDyn(&out_shape);
    for (ix, &v) in x.indexed_iter() {
        let mut flat = 0;
        for (k, &d) in kept.iter().enumerate() {
            flat = flat * out_shape[k] + ix[d];
        }
        lanes[flat].push(v);
    }
    let values: Vec<f64> = lanes
        .iter()
        .map(|l| {
            let n = l.len() as f64;
            let mean = l.iter().sum::<f64>() / n;
            let m2: f64 = l.iter().map(|v| (v - mean) * (v - mean)).sum();
            match stat {
                Stat::Sum => l.iter().sum(),
                Stat::Mean => mean,
                Stat::Var(d) => m2 / (n - d as f64),
                Stat::Std(d) => (m2 / (n - d as f64)).sqrt(),
                Stat::Min => l.iter().copied().fold(f64::INFINITY, f64::min),
                Stat::Max => l.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect();
    ArrayD::from_shape_vec(out_dim, values).unwrap()
}

fn ours(a: &Array, axes: &[usize], stat: Stat) -> Array {
    let axes = axes.to_vec();
    match stat {
        Stat::Sum => a.sum(axes),
        Stat::Mean => a.mean(axes),
        Stat::Var(d) => a.var_ddof(axes, d),
        Stat::Std(d) => a.std_ddof(axes, d),
        Stat::Min => a.min(axes),
        Stat::Max => a.max(axes),
    }
    .unwrap()
}

/// Every subset of `0..n`.
fn subsets(n: usize) -> Vec<Vec<usize>> {
    (0..1usize << n).map(|m| (0..n).filter(|d| m >> d & 1 == 1).collect()).collect()
}

const STATS: [Stat; 7] =
    [Stat::Sum, Stat::Mean, Stat::Var(0), Stat::Var(1), Stat::Std(0), Stat::Min, Stat::Max];

#[test]
fn reductions_over_every_set_of_axes_match_dense() {
    let x = cube(&[5, 4, 7]);
    for chunks in
        [Chunks::Size(2), Chunks::Sizes(vec![5, 3, 2]), Chunks::Sizes(vec![1, 4, 7]), Chunks::auto()]
    {
        let a = from_array(&x, chunks.clone()).unwrap();
        for axes in subsets(3) {
            for stat in STATS {
                let got = eval(&ours(&a, &axes, stat));
                assert_close(&got, &reference(&x, &axes, stat), 1e-12);
            }
        }
        assert_close(&eval(&a.mean(..).unwrap()), &reference(&x, &[0, 1, 2], Stat::Mean), 1e-12);
    }
}

#[test]
fn four_dimensional_reductions_and_big_blocks_match_dense() {
    // Blocks larger than a tile (8192 elements) are fed in several tiles.
    let x = cube(&[3, 20, 30, 25]);
    let a = from_array(&x, Chunks::Sizes(vec![2, 20, 30, 25])).unwrap();
    for axes in [vec![0], vec![1, 3], vec![0, 2], vec![2], vec![3], vec![0, 1, 2, 3], vec![]] {
        for stat in [Stat::Sum, Stat::Var(0), Stat::Max] {
            assert_close(&eval(&ours(&a, &axes, stat)), &reference(&x, &axes, stat), 1e-11);
        }
    }
}

#[test]
fn seeded_values_depend_on_the_global_index_alone() {
    let flat = eval(&random::standard_normal(9, &[2 * 3 * 4 * 5], 7).unwrap());
    let want = flat.into_shape_with_order(IxDyn(&[2, 3, 4, 5])).unwrap();
    for chunks in [Chunks::Size(1), Chunks::Sizes(vec![2, 1, 3, 2]), Chunks::auto()] {
        assert_eq!(eval(&random::standard_normal(9, &[2, 3, 4, 5], chunks).unwrap()), want);
    }
    let u = eval(&random::uniform(4, 0.0, 1.0, &[3, 3, 3], 2).unwrap());
    let v = eval(&random::uniform(4, 0.0, 1.0, &[27], 5).unwrap());
    assert_eq!(u.iter().copied().collect::<Vec<_>>(), v.iter().copied().collect::<Vec<_>>());
}

#[test]
fn broadcasting_and_transposes_follow_numpy() {
    let x = cube(&[4, 1, 5]);
    let y = cube(&[3, 1]);
    let a = from_array(&x, 2).unwrap();
    let b = from_array(&y, 2).unwrap();
    let got = eval(&(&a + &b).unwrap());
    assert_eq!(got.shape(), &[4, 3, 5]);
    let want = &x + &y;
    assert_close(&got, &want, 1e-15);
    let bad = from_array(&cube(&[4, 2]), 2).unwrap();
    assert!((&a + &bad).is_err());
    let z = cube(&[3, 4, 5]);
    let c = from_array(&z, [2, 3, 2]).unwrap();
    for perm in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]] {
        let want = z.clone().permuted_axes(IxDyn(&perm));
        assert_eq!(eval(&c.transpose_axes(&perm).unwrap()), want);
    }
    assert_eq!(eval(&c.t()), z.clone().reversed_axes());
    // Reductions of a transposed, broadcast expression.
    let e = (&c.transpose_axes(&[2, 0, 1]).unwrap() * &from_array(&cube(&[4]), 3).unwrap()).unwrap();
    let de = z.permuted_axes(IxDyn(&[2, 0, 1])) * &cube(&[4]);
    assert_close(&eval(&e.mean([0, 2]).unwrap()), &reference(&de, &[0, 2], Stat::Mean), 1e-12);
}

#[test]
fn axes_take_numpy_forms() {
    let a = from_array(&cube(&[2, 3, 4]), 2).unwrap();
    assert_eq!(a.sum(..).unwrap().shape(), &[] as &[usize]);
    assert_eq!(a.sum(1).unwrap().shape(), &[2, 4]);
    assert_eq!(a.sum([2, 0]).unwrap().shape(), &[3]);
    assert_eq!(a.sum(Axes::Some(vec![])).unwrap().shape(), &[2, 3, 4]);
    assert_eq!(a.sum(None).unwrap().shape(), &[] as &[usize]);
    // var and std default to ddof 0, as numpy and dask.
    let v = from_array(&ndarray::arr1(&[1.0, 2.0, 3.0, 4.0]), 3).unwrap();
    let exec = Executor::sequential();
    assert_eq!(v.var(..).unwrap().compute_scalar(&exec).unwrap(), 1.25);
    assert_eq!(v.var_ddof(.., 1).unwrap().compute_scalar(&exec).unwrap(), 5.0 / 3.0);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-array-ndim.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn values_and_reductions_do_not_depend_on_chunking(
        shape in prop::collection::vec(0usize..6, 3..=4),
        c1 in prop::collection::vec(1usize..5, 4),
        c2 in prop::collection::vec(1usize..5, 4),
        mask in 0usize..16,
        seed in 0u64..100,
    ) {
        let n = shape.len();
        let axes: Vec<usize> = (0..n).filter(|d| mask >> d & 1 == 1).collect();
        let exec = Executor::sequential();
        let a = random::normal(seed, 1.0, 2.0, &shape, Chunks::Sizes(c1[..n].to_vec())).unwrap();
        let b = random::normal(seed, 1.0, 2.0, &shape, Chunks::Sizes(c2[..n].to_vec())).unwrap();
        let outs = compute(&[&a, &a.sum(axes.clone()).unwrap(), &a.std(axes.clone()).unwrap()], &exec).unwrap();
        let other = compute(&[&b, &b.sum(axes.clone()).unwrap(), &b.std(axes.clone()).unwrap()], &exec).unwrap();
        prop_assert_eq!(&outs[0], &other[0]);
        assert_close(&outs[1], &other[1], 1e-12);
        assert_close(&outs[2], &other[2], 1e-12);
        assert_close(&outs[1], &reference(&outs[0], &axes, Stat::Sum), 1e-12);
    }
}

#[test]
fn dot_of_more_than_two_dimensions_is_a_typed_error() {
    let a = from_array(&cube(&[2, 3, 4]), 2).unwrap();
    let m = from_array(&cube(&[4, 2]), 2).unwrap();
    let e = a.dot(&m).unwrap_err();
    assert!(e.to_string().contains("more than two dimensions"), "{e}");
    // (4, 2) @ stacks of (3, 4): 2 != 3.
    let e = m.matmul(&a).unwrap_err();
    assert!(e.to_string().contains("2 (dim 1) != 3 (dim 1)"), "{e}");
}

/// numpy's `matmul` of stacks: `out[b..., i, j]` is the sum over `k` of
/// `x[b..., i, k] y[b..., k, j]` over the broadcast leading axes (a 1-D
/// operand a row or a column, dropped from the result).
fn dense_matmul(x: &ArrayD<f64>, y: &ArrayD<f64>) -> ArrayD<f64> {
    let (row, column) = (x.ndim() == 1, y.ndim() == 1);
    let x = if row { x.clone().insert_axis(ndarray::Axis(0)) } else { x.clone() };
    let y = if column { y.clone().insert_axis(ndarray::Axis(1)) } else { y.clone() };
    let (bx, by) = (&x.shape()[..x.ndim() - 2], &y.shape()[..y.ndim() - 2]);
    let nb = bx.len().max(by.len());
    let pad = |b: &[usize]| [vec![1; nb - b.len()], b.to_vec()].concat();
    let (bx, by) = (pad(bx), pad(by));
    let batch: Vec<usize> = bx.iter().zip(&by).map(|(p, q)| *p.max(q)).collect();
    let (n, k, m) = (x.shape()[x.ndim() - 2], x.shape()[x.ndim() - 1], y.shape()[y.ndim() - 1]);
    let x = x.into_shape_with_order(IxDyn(&[bx.clone(), vec![n, k]].concat())).unwrap();
    let y = y.into_shape_with_order(IxDyn(&[by.clone(), vec![k, m]].concat())).unwrap();
    let mut out = ArrayD::zeros(IxDyn(&[batch.clone(), vec![n, m]].concat()));
    for (ix, v) in out.indexed_iter_mut() {
        let ix: Vec<usize> = ndarray::Dimension::slice(&ix).to_vec();
        let at = |b: &[usize], tail: [usize; 2]| -> Vec<usize> {
            b.iter().zip(&ix).map(|(&len, &i)| if len == 1 { 0 } else { i }).chain(tail).collect()
        };
        *v = (0..k).map(|kk| x[IxDyn(&at(&bx, [ix[nb], kk]))] * y[IxDyn(&at(&by, [kk, ix[nb + 1]]))]).sum();
    }
    if column {
        let last = out.ndim() - 1;
        out = out.remove_axis(ndarray::Axis(last));
    }
    if row {
        let second = out.ndim() - 2;
        out = out.remove_axis(ndarray::Axis(second));
    }
    out
}

#[test]
fn matmul_of_stacks_broadcasts_their_leading_axes_as_numpy() {
    for (sx, sy) in [
        (vec![3, 2, 4], vec![3, 4, 5]),
        (vec![2, 3, 4], vec![4, 2]),
        (vec![4], vec![2, 4, 3]),
        (vec![2, 1, 3, 4], vec![5, 4, 2]),
        (vec![2, 3, 4], vec![4]),
        (vec![1, 2, 0], vec![3, 0, 2]),
    ] {
        let (x, y) = (cube(&sx), cube(&sy).mapv(|v| v - 0.5));
        let want = dense_matmul(&x, &y);
        for chunk in [1, 2, 3] {
            let a = from_array(&x, chunk).unwrap();
            let b = from_array(&y, chunk + 1).unwrap();
            let got = eval(&a.matmul(&b).unwrap());
            assert_close(&got, &want, 1e-12);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-array-ndim-ops.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn slicing_joining_nan_reductions_and_quantiles_do_not_depend_on_chunking(
        shape in prop::collection::vec(1usize..7, 3),
        c1 in prop::collection::vec(1usize..5, 3),
        c2 in prop::collection::vec(1usize..5, 3),
        step in prop_oneof![Just(-3isize), Just(-1), Just(1), Just(2)],
        start in -3isize..3,
        mask in 1usize..8,
        q in 0.0f64..=1.0,
        seed in 0u64..100,
    ) {
        use chunked_array::{Index, concatenate, where_};
        let axes: Vec<usize> = (0..3).filter(|d| mask >> d & 1 == 1).collect();
        let exec = Executor::sequential();
        let build = |chunks: &[usize]| {
            let x = random::normal(seed, 0.0, 1.0, &shape, Chunks::Sizes(chunks.to_vec())).unwrap();
            let nan = chunked_array::full(&[], f64::NAN, 1).unwrap();
            let big = chunked_array::full(&[], 1.2, 1).unwrap();
            let y = where_(&x.greater(&big).unwrap(), &nan, &x).unwrap();
            let s = x.index(&[Index::full(), Index::range(start, None, step)]).unwrap();
            vec![
                s.clone(),
                concatenate(&[x.clone(), s.index(&[Index::full(), Index::range(None, 1, 1)]).unwrap_or(x.clone())], 1).unwrap_or(s),
                y.nanmean(axes.clone()).unwrap(),
                y.nanstd(axes.clone()).unwrap(),
                x.quantile(q, axes.clone()).unwrap(),
                x.cumsum(axes[0]).unwrap(),
                x.reshape(&[shape.iter().product()]).unwrap(),
            ]
        };
        let (a, b) = (build(&c1), build(&c2));
        let (refs_a, refs_b): (Vec<&Array>, Vec<&Array>) = (a.iter().collect(), b.iter().collect());
        let (ra, rb) = (compute(&refs_a, &exec).unwrap(), compute(&refs_b, &exec).unwrap());
        for (k, (x, y)) in ra.iter().zip(&rb).enumerate() {
            if k == 0 || k == 1 || k == 4 || k == 6 {
                // Selections are exact.
                prop_assert_eq!(x.shape(), y.shape());
                prop_assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()), "output {}", k);
            } else {
                assert_close(x, y, 1e-12);
            }
        }
    }
}

/// numpy's linear quantile of a list, by sorting.
fn sorted_quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let t = pos - lo as f64;
    let d = v[hi] - v[lo];
    if t == 0.0 {
        v[lo]
    } else if t >= 0.5 {
        v[hi] - d * (1.0 - t)
    } else {
        v[lo] + d * t
    }
}

#[test]
fn quantiles_over_every_element_are_exact_and_streamed() {
    let exec = executors::Executor::new(executors::Strategy::Graph, 2).unwrap();
    let x = random::normal(4, 3.0, 2.0, &[60, 50, 40], [20, 25, 40]).unwrap();
    let dense: Vec<f64> = eval(&x).iter().copied().collect();
    for q in [0.0, 1e-5, 0.1, 0.5, 0.731, 0.99, 1.0] {
        let got = x.quantile(q, ..).unwrap().compute_scalar(&exec).unwrap();
        assert_eq!(got, sorted_quantile(&dense, q), "q {q}");
    }
    // The graph: a histogram and a bucket pass per block, no block held.
    let plan = chunked_array::Plan::new(&[&x.quantile(0.5, ..).unwrap()]);
    let dot = plan.to_dot(executors::RankDir::LeftRight);
    assert_eq!(dot.matches("label=\"quantile-histogram\"").count(), 6, "{dot}");
    assert_eq!(dot.matches("label=\"quantile-bucket\"").count(), 6);
    // Ties, signs, zeros and infinities; one bucket holding everything.
    let v =
        ndarray::arr1(&[2.0, -0.0, 0.0, f64::INFINITY, -3.5, 2.0, f64::NEG_INFINITY, 2.0, 1e-300, -1e300]);
    let a = from_array(&v, 3).unwrap();
    let values = v.to_vec();
    for q in [0.0, 0.15, 0.5, 0.6, 0.95, 1.0] {
        let got = a.quantile(q, ..).unwrap().compute_scalar(&exec).unwrap();
        let want = sorted_quantile(&values, q);
        assert!(got == want || (got.is_nan() && want.is_nan()), "q {q}: {got} vs {want}");
    }
    let same = chunked_array::full(&[1000], 7.25, 64).unwrap();
    assert_eq!(same.quantile(0.3, ..).unwrap().compute_scalar(&exec).unwrap(), 7.25);
    // NaN: numpy's quantile is NaN; nanquantile sets NaN aside; all NaN is NaN.
    let with_nan = from_array(&ndarray::arr1(&[1.0, f64::NAN, 3.0, 2.0]), 2).unwrap();
    assert!(with_nan.quantile(0.5, ..).unwrap().compute_scalar(&exec).unwrap().is_nan());
    assert_eq!(with_nan.nanquantile(0.5, ..).unwrap().compute_scalar(&exec).unwrap(), 2.0);
    let all_nan = chunked_array::full(&[3, 2], f64::NAN, 1).unwrap();
    assert!(all_nan.nanquantile(0.5, ..).unwrap().compute_scalar(&exec).unwrap().is_nan());
}
