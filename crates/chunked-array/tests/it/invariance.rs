//! A seeded random array is a function of the seed alone: identical
//! elements under every chunking, reductions agreeing to 1e-12 relative,
//! and results identical bit for bit under every executor and worker count.

use chunked_array::{Chunks, compute, compute_scalars, random};
use executors::Executor;

use crate::executors;

fn chunkings() -> Vec<Chunks> {
    vec![
        Chunks::Size(1),
        Chunks::Size(7),
        Chunks::Sizes(vec![13, 40]),
        Chunks::Explicit(vec![vec![5, 20, 15], vec![1, 59]]),
        Chunks::Size(1000),
        Chunks::auto(),
    ]
}

#[test]
fn random_elements_do_not_depend_on_chunks() {
    let exec = Executor::sequential();
    for (seed, make) in [
        (0, random::standard_normal as fn(u64, &[usize], Chunks) -> _),
        (5, |s, shape: &[usize], c| random::normal(s, 3.0, 0.5, shape, c)),
        (9, |s, shape: &[usize], c| random::uniform(s, -1.0, 4.0, shape, c)),
    ] {
        let reference = make(seed, &[40, 60], Chunks::Size(40)).unwrap().compute(&exec).unwrap();
        for chunks in chunkings() {
            let a = make(seed, &[40, 60], chunks.clone()).unwrap();
            assert_eq!(a.compute(&exec).unwrap(), reference, "{chunks:?}");
            // A transposed block reads the same elements.
            assert_eq!(a.t().compute(&exec).unwrap(), reference.t(), "{chunks:?}");
        }
        // The flat row-major index decides: a 1 x 2400 array holds the same values.
        let flat = make(seed, &[2400], Chunks::Size(333)).unwrap().compute(&exec).unwrap();
        assert_eq!(flat.as_slice().unwrap(), reference.as_slice().unwrap());
    }
}

#[test]
fn reductions_agree_across_chunkings() {
    let exec = Executor::sequential();
    let reference = {
        let a = random::standard_normal(3, &[40, 60], 40).unwrap();
        compute_scalars(
            &[
                &a.sum(..).unwrap(),
                &a.mean(..).unwrap(),
                &a.var_ddof(.., 0).unwrap(),
                &a.std_ddof(.., 1).unwrap(),
                &a.min(..).unwrap(),
                &a.max(..).unwrap(),
            ],
            &exec,
        )
        .unwrap()
    };
    for chunks in chunkings() {
        let a = random::standard_normal(3, &[40, 60], chunks.clone()).unwrap();
        let got = compute_scalars(
            &[
                &a.sum(..).unwrap(),
                &a.mean(..).unwrap(),
                &a.var_ddof(.., 0).unwrap(),
                &a.std_ddof(.., 1).unwrap(),
                &a.min(..).unwrap(),
                &a.max(..).unwrap(),
            ],
            &exec,
        )
        .unwrap();
        // Rounding depends on the order of additions, so the agreement is
        // relative to the sum of magnitudes (the condition of a sum): the sum
        // of 2400 standard normals is of order 50, its magnitudes add up to
        // about 1900. Variances are sums of squares, their own magnitude;
        // extrema are exact under any chunking.
        let magnitude = a.abs().sum(..).unwrap().compute_scalar(&exec).unwrap();
        let n = 2400.0;
        let scales = [magnitude, magnitude / n, reference[2], reference[3], 0.0, 0.0];
        for ((g, r), scale) in got.iter().zip(&reference).zip(scales) {
            assert!((g - r).abs() <= 1e-12 * scale, "{chunks:?}: {g} vs {r} (scale {scale})");
        }
        let axis = a.var_ddof(0, 0).unwrap().compute(&exec).unwrap();
        let axis_ref = random::standard_normal(3, &[40, 60], 40)
            .unwrap()
            .var_ddof(0, 0)
            .unwrap()
            .compute(&exec)
            .unwrap();
        crate::assert_close(&axis, &axis_ref, 1e-12);
    }
}

#[test]
fn every_executor_and_worker_count_gives_the_same_bits() {
    let a = random::standard_normal(1, &[30, 20], [7, 6]).unwrap();
    let b = random::standard_normal(2, &[20], 6).unwrap();
    let c = ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap()
        * b.var_ddof(.., 0).unwrap())
    .unwrap();
    let z = (&a.exp() - &a.mean(0).unwrap()).unwrap();
    let outputs = [
        &a.mean(..).unwrap(),
        &a.std_ddof(.., 0).unwrap(),
        &c,
        &z,
        &a.matmul(&a.t()).unwrap(),
        &z.max(1).unwrap(),
    ];
    let reference = compute(&outputs, &Executor::sequential()).unwrap();
    for exec in executors() {
        let got = compute(&outputs, &exec).unwrap();
        for (g, r) in got.iter().zip(&reference) {
            let same = g.iter().zip(r.iter()).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same && g.shape() == r.shape(), "{exec:?}");
        }
    }
}
