//! Property tests: for any shape (including empty axes) and any chunking,
//! results equal the dense computation, and a seeded array's reductions do
//! not depend on its chunks.

use chunked_array::{Chunks, compute, from_array, random};
use executors::Executor;
use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;

use crate::{assert_close, scalar};

/// A shape of up to two axes of length 0..12 and a chunk size per axis.
fn shape_and_chunks() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (0usize..=2).prop_flat_map(|ndim| {
        (prop::collection::vec(0usize..12, ndim), prop::collection::vec(1usize..6, ndim))
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        // Failing cases are kept under the workspace's target/, not in the sources.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-array-properties.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_chunking_matches_dense((shape, chunks) in shape_and_chunks(), seed in 0u64..1000) {
        let exec = Executor::sequential();
        let dense = random::uniform(seed, -1.0, 1.0, &shape, Chunks::auto()).unwrap().compute(&exec).unwrap();
        let a = from_array(&dense, Chunks::Sizes(chunks.clone())).unwrap();
        let r = random::uniform(seed, -1.0, 1.0, &shape, Chunks::Sizes(chunks)).unwrap();
        let e = (&a.exp() * 2.0 - &r).unwrap();
        let outs = compute(&[&r, &e, &e.sum(..).unwrap(), &a.mean(..).unwrap(), &r.var_ddof(.., 1).unwrap(), &a.t()], &exec).unwrap();
        prop_assert_eq!(&outs[0], &dense);
        let de = dense.mapv(|x| x.exp() * 2.0 - x);
        assert_close(&outs[1], &de, 1e-12);
        assert_close(&outs[2], &scalar(de.sum()), 1e-12);
        let n = dense.len() as f64;
        let mean = dense.sum() / n;
        assert_close(&outs[3], &scalar(mean), 1e-12);
        let var = dense.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0).max(0.0);
        assert_close(&outs[4], &scalar(var), 1e-12);
        prop_assert_eq!(&outs[5], &dense.t().to_owned());
        if shape.len() == 2 {
            for axis in [0, 1] {
                let got = a.sum(axis).unwrap().compute(&exec).unwrap();
                assert_close(&got, &dense.sum_axis(Axis(axis)), 1e-12);
            }
            if shape[1] > 0 {
                let v = ArrayD::from_shape_fn(IxDyn(&[shape[1]]), |i| i[0] as f64 - 2.0);
                let x = from_array(&v, 2).unwrap();
                let got = a.dot(&x).unwrap().compute(&exec).unwrap();
                let m = dense.view().into_dimensionality::<ndarray::Ix2>().unwrap();
                let want = m.dot(&v.view().into_dimensionality::<ndarray::Ix1>().unwrap()).into_dyn();
                assert_close(&got, &want, 1e-12);
            }
        }
    }
}

/// Two shapes of one size: factors dealt to the axes of each in two ways.
fn two_shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<usize>)> {
    (
        prop::collection::vec(1usize..5, 1..7),
        prop::collection::vec(0usize..4, 7),
        prop::collection::vec(0usize..4, 7),
        prop::collection::vec(1usize..5, 4),
    )
        .prop_map(|(factors, deal_a, deal_b, chunks)| {
            let shape = |deal: &[usize]| {
                let ndim = deal[..factors.len()].iter().max().map_or(1, |m| m + 1);
                let mut s = vec![1; ndim];
                for (f, &d) in factors.iter().zip(deal) {
                    s[d] *= f;
                }
                s
            };
            let a = shape(&deal_a);
            let c = chunks[..a.len()].to_vec();
            (a, shape(&deal_b), c)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-array-reshape.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn reshape_matches_dense_for_any_shapes_and_chunks((from, to, chunks) in two_shapes()) {
        let exec = Executor::sequential();
        let size: usize = from.iter().product();
        let flat = ArrayD::from_shape_fn(IxDyn(&[size]), |i| i[0] as f64 * 0.5 - 3.0);
        let dense = flat.clone().into_shape_with_order(IxDyn(&from)).unwrap();
        let want = flat.into_shape_with_order(IxDyn(&to)).unwrap();
        let a = from_array(&dense, Chunks::Sizes(chunks)).unwrap();
        let r = a.reshape(&to).unwrap();
        prop_assert_eq!(r.compute(&exec).unwrap(), want.clone());
        // Regions other than its blocks, and a reduction over its last axis.
        let other = from_array(&want, 3).unwrap();
        prop_assert!((&r - &other).unwrap().compute(&exec).unwrap().iter().all(|v| *v == 0.0));
        let last = to.len() - 1;
        assert_close(&r.sum(last).unwrap().compute(&exec).unwrap(), &want.sum_axis(Axis(last)), 1e-12);
        // And back.
        prop_assert_eq!(r.reshape(&from).unwrap().compute(&exec).unwrap(), dense);
    }
}
