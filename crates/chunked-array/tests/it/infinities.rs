//! Sums, means and scans that reach an infinity, quantiles of empty lanes,
//! and the maximum of signed zeros, against numpy's values (found by
//! `tests/numpy/fuzz.py`).

use chunked_array::{Chunks, from_array};
use executors::Executor;
use ndarray::{ArrayD, IxDyn};

fn values(a: &chunked_array::Array) -> Vec<f64> {
    a.compute(&Executor::sequential()).unwrap().into_raw_vec_and_offset().0
}

#[test]
fn a_sum_that_meets_an_infinity_or_overflows_is_infinite_at_every_chunking() {
    // numpy: sum([0, inf, 0, 0, 1]) = inf, mean inf, cumsum [0, inf, inf,
    // inf, inf]; sum([1e308, 1e308]) = inf. The compensation of a running
    // sum that reached an infinity (inf - inf) must not make it NaN.
    let inf = f64::INFINITY;
    for (data, sum) in [
        (vec![0.0, inf, 0.0, 0.0, 1.0], inf),
        (vec![-1.0, -inf, 2.0, 5.0, 0.5], -inf),
        (vec![1e308, 1e308, 1.0, -1.0, 0.0], inf),
        (vec![0.0, inf, -inf, 1.0, 1.0], f64::NAN),
    ] {
        let whole = ArrayD::from_shape_vec(IxDyn(&[5]), data.clone()).unwrap();
        for chunks in [vec![5], vec![2, 3], vec![1, 1, 3], vec![1, 1, 1, 1, 1]] {
            let x = from_array(&whole, Chunks::Explicit(vec![chunks.clone()])).unwrap();
            let got = values(&x.sum(..).unwrap())[0];
            assert!(got == sum || got.is_nan() && sum.is_nan(), "sum of {data:?} in {chunks:?}: {got}");
            let mean = values(&x.mean(..).unwrap())[0];
            assert!(mean == sum || mean.is_nan() && sum.is_nan(), "mean of {data:?} in {chunks:?}: {mean}");
            let mut running = 0.0;
            let want: Vec<f64> = data
                .iter()
                .map(|v| {
                    running += v;
                    running
                })
                .collect();
            let got = values(&x.cumsum(0).unwrap());
            for (g, w) in got.iter().zip(&want) {
                assert!(g == w || g.is_nan() && w.is_nan(), "cumsum of {data:?} in {chunks:?}: {got:?}");
            }
        }
    }
    // Along an axis of a 2-D array too: columns [1, inf] and [2, 3].
    let m = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1.0, 2.0, inf, 3.0]).unwrap();
    let x = from_array(&m, Chunks::Explicit(vec![vec![1, 1], vec![2]])).unwrap();
    assert_eq!(values(&x.sum(0).unwrap()), [inf, 5.0]);
    assert_eq!(values(&x.sum(..).unwrap()), [inf]);
}

#[test]
fn nanquantile_of_an_empty_lane_is_nan_where_quantile_refuses() {
    // numpy: nanquantile(empty((2, 0)), 0.5, axis=1) = [nan, nan] (with a
    // warning); quantile raises.
    let x = from_array(&ArrayD::<f64>::zeros(IxDyn(&[2, 0])), 1).unwrap();
    let got = values(&x.nanquantile(0.5, 1).unwrap());
    assert!(got.len() == 2 && got.iter().all(|v| v.is_nan()), "{got:?}");
    assert!(x.quantile(0.5, 1).is_err());
    let all = values(&x.nanquantile(0.5, ..).unwrap());
    assert!(all.len() == 1 && all[0].is_nan(), "{all:?}");
}

#[test]
fn maximum_and_minimum_of_equal_values_are_the_second_as_numpy() {
    // numpy: maximum(-0.0, 0.0) = 0.0, maximum(0.0, -0.0) = -0.0, and
    // minimum likewise; NaN on either side is NaN.
    let p = ArrayD::from_shape_vec(IxDyn(&[4]), vec![-0.0, 0.0, f64::NAN, 1.0]).unwrap();
    let q = ArrayD::from_shape_vec(IxDyn(&[4]), vec![0.0, -0.0, 1.0, f64::NAN]).unwrap();
    let (p, q) = (from_array(&p, 2).unwrap(), from_array(&q, 3).unwrap());
    for got in [values(&p.maximum(&q).unwrap()), values(&p.minimum(&q).unwrap())] {
        assert_eq!(
            got[..2].iter().map(|v| v.is_sign_negative()).collect::<Vec<_>>(),
            [false, true],
            "{got:?}"
        );
        assert!(got[2].is_nan() && got[3].is_nan(), "{got:?}");
    }
}

#[test]
fn the_sign_of_either_zero_is_positive_zero_as_numpy() {
    let x = ArrayD::from_shape_vec(IxDyn(&[5]), vec![-0.0, 0.0, -2.5, 7.0, f64::NAN]).unwrap();
    let got = values(&from_array(&x, 2).unwrap().sign());
    assert_eq!(got[..4], [0.0, 0.0, -1.0, 1.0]);
    assert!(!got[0].is_sign_negative() && got[4].is_nan(), "{got:?}");
}
