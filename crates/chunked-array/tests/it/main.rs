//! Integration tests of chunked-array: results against dense ndarray
//! computations, random arrays across chunkings, executors and worker
//! counts, the normal generator's statistics, the graphs, bad input, and
//! work units combined as over MPI.

mod dense;
mod distributed;
mod errors;
mod generators;
mod graph;
mod indexing;
mod infinities;
mod invariance;
mod metadata;
mod ndim;
mod numpy;
mod pinned;
mod properties;
mod statistics;

use executors::{Executor, Progress, Strategy};
use ndarray::{ArrayD, IxDyn};

/// The executors every result must agree under.
pub(crate) fn executors() -> Vec<Executor> {
    let mut out = vec![Executor::sequential()];
    for strategy in Strategy::ALL {
        for workers in [1, 2, 3, 8] {
            out.push(Executor::new(strategy, workers).unwrap().progress(Progress::Hidden));
        }
    }
    out
}

/// A small matrix with varied values, no two equal.
pub(crate) fn matrix(rows: usize, cols: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[rows, cols]), |ix| {
        let (i, j) = (ix[0] as f64, ix[1] as f64);
        (i * 1.3 + j * 0.7).sin() * 3.0 + 0.01 * i - 0.02 * j + 0.5
    })
}

/// A small vector with varied values.
pub(crate) fn vector(n: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[n]), |ix| (ix[0] as f64 * 0.37).cos() * 2.0 + 0.1)
}

/// Asserts that two arrays have one shape and agree within `tol`, relative
/// to `scale` (or to 1 and the magnitude of the expected value).
#[track_caller]
pub(crate) fn assert_close(got: &ArrayD<f64>, want: &ArrayD<f64>, tol: f64) {
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    for (g, w) in got.iter().zip(want.iter()) {
        if w.is_nan() {
            assert!(g.is_nan(), "got {g}, want NaN");
            continue;
        }
        let err = (g - w).abs();
        assert!(err <= tol * w.abs().max(1.0), "got {g}, want {w} (error {err:e})\ngot {got}\nwant {want}");
    }
}

/// A 0-dimensional array.
pub(crate) fn scalar(v: f64) -> ArrayD<f64> {
    ArrayD::from_elem(IxDyn(&[]), v)
}
