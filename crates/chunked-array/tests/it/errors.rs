//! Bad input is a typed error naming what is wrong, never a panic.

use chunked_array::{ArrayError, Chunks, arange, from_array, random, zeros};
use ndarray::{ArrayD, IxDyn};

#[test]
fn shape_mismatch_names_both_shapes() {
    let a = zeros(&[3, 4], 2).unwrap();
    let b = zeros(&[5], 2).unwrap();
    let e = (&a + &b).unwrap_err();
    assert!(
        matches!(&e, ArrayError::ShapeMismatch { op: "add", left, right } if left == &[3, 4] && right == &[5])
    );
    assert_eq!(e.to_string(), "operands could not be broadcast together in add: shapes (3, 4) and (5,)");
    let col = zeros(&[4, 1], 2).unwrap();
    assert!(a.multiply(&col).unwrap_err().to_string().contains("(3, 4) and (4, 1)"));
    assert!(a.maximum(&a.t()).is_err());
}

#[test]
fn misaligned_products_name_both_shapes() {
    let a = zeros(&[3, 4], 2).unwrap();
    let v = zeros(&[3], 2).unwrap();
    let e = a.dot(&v).unwrap_err();
    assert_eq!(e.to_string(), "shapes (3, 4) and (3,) not aligned for dot: 4 (dim 1) != 3 (dim 0)");
    assert!(a.matmul(&a).unwrap_err().to_string().contains("(3, 4) and (3, 4)"));
    let s = zeros(&[], 1).unwrap();
    assert!(matches!(a.matmul(&s), Err(ArrayError::NotAligned { op: "matmul", .. })));
    // dot with a scalar multiplies, as numpy: every element times it.
    let m = from_array(&ndarray::array![[1.0, -2.0], [3.5, 0.0]].into_dyn(), 1).unwrap();
    let three = from_array(&ndarray::arr0(3.0).into_dyn(), 1).unwrap();
    let product = m.dot(&three).unwrap().compute(&executors::Executor::sequential()).unwrap();
    assert_eq!(product, ndarray::array![[3.0, -6.0], [10.5, 0.0]].into_dyn());
}

#[test]
fn bad_chunks_are_errors() {
    let e = random::standard_normal(0, &[10, 10], 0).unwrap_err();
    assert!(matches!(e, ArrayError::ZeroChunk { axis: 0, .. }));
    assert_eq!(e.to_string(), "chunk size 0 on axis 0 of shape (10, 10)");
    assert!(matches!(zeros(&[10, 10], [5, 0]), Err(ArrayError::ZeroChunk { axis: 1, .. })));
    let e = zeros(&[10], Chunks::Explicit(vec![vec![4, 4]])).unwrap_err();
    assert!(matches!(e, ArrayError::ChunksDoNotFit { .. }));
    assert!(e.to_string().contains("(10,)") && e.to_string().contains("add up to 8"), "{e}");
    assert!(matches!(zeros(&[10, 10], [5]), Err(ArrayError::ChunksDoNotFit { .. })));
    assert!(matches!(zeros(&[10], Chunks::Auto { bytes: 0 }), Err(ArrayError::InvalidParameter { .. })));
    let a = zeros(&[4], 2).unwrap();
    assert!(matches!(a.rechunk(0), Err(ArrayError::ZeroChunk { .. })));
    // A chunk size of zero is an error even on an empty axis; explicit
    // chunks of an empty axis may be empty.
    assert!(matches!(zeros(&[0, 3], [0, 1]), Err(ArrayError::ZeroChunk { axis: 0, .. })));
    assert!(zeros(&[0, 3], Chunks::Explicit(vec![vec![], vec![3]])).is_ok());
}

#[test]
fn axes_and_dimensions_are_checked() {
    let a = zeros(&[3, 4], 2).unwrap();
    let e = a.sum(2).unwrap_err();
    assert_eq!(e.to_string(), "axis 2 is out of bounds for an array of shape (3, 4)");
    assert!(a.sum(..).unwrap().sum(0).is_err());
    let cube = ArrayD::<f64>::zeros(IxDyn(&[2, 2, 2]));
    assert!(from_array(&cube, 1).is_ok(), "three dimensions are fine");
    let deep = vec![1; chunked_array::MAX_DIMS + 1];
    assert!(matches!(zeros(&deep, 1), Err(ArrayError::TooManyDims { .. })));
    assert!(zeros(&deep, 1).unwrap_err().to_string().contains("has 33 dimensions; at most 32"));
    let e = a.sum([1, 1]).unwrap_err();
    assert_eq!(e.to_string(), "repeated axis 1 in sum of an array of shape (3, 4)");
    assert!(matches!(a.mean([0, 5]), Err(ArrayError::AxisOutOfRange { axis: 5, .. })));
    assert!(matches!(a.transpose_axes(&[0, 0]), Err(ArrayError::RepeatedAxis { axis: 0, .. })));
    assert!(matches!(a.transpose_axes(&[1, 2]), Err(ArrayError::AxisOutOfRange { axis: 2, .. })));
    assert!(matches!(a.transpose_axes(&[0]), Err(ArrayError::InvalidParameter { .. })));
}

#[test]
fn parameters_are_checked() {
    let e = random::normal(0, 0.0, -1.0, &[3], 1).unwrap_err();
    assert_eq!(e.to_string(), "invalid standard deviation: -1");
    assert!(random::normal(0, 0.0, f64::NAN, &[3], 1).is_err());
    assert!(random::normal(0, 0.0, 0.0, &[3], 1).is_ok());
    assert!(arange(0.0, 1.0, 0.0, 1).is_err());
    assert!(arange(0.0, f64::INFINITY, 1.0, 1).is_err());
    assert!(arange(0.0, 1.0, f64::NAN, 1).is_err());
}

#[test]
fn empty_extrema_are_errors_as_in_numpy() {
    let a = zeros(&[0, 4], 2).unwrap();
    let e = a.min(..).unwrap_err();
    assert!(
        e.to_string().starts_with("zero-size array to reduction operation min which has no identity"),
        "{e}"
    );
    assert!(a.max(0).is_err());
    assert!(a.max(1).is_ok(), "an empty result is fine");
}

#[test]
fn shapes_too_large_to_address_are_errors() {
    let big = 1usize << 40;
    assert!(matches!(zeros(&[big, big], 1 << 20), Err(ArrayError::InvalidParameter { name: "shape", .. })));
    let col = zeros(&[big, 1], 1 << 20).unwrap();
    let row = zeros(&[big], 1 << 20).unwrap();
    assert!((&col + &row).is_err(), "a broadcast result too large to address");
    let v = zeros(&[1, big], 1 << 20).unwrap();
    assert!(col.dot(&v).is_err());
    // Too many blocks: each would be a task.
    let e = zeros(&[big], 1).unwrap_err();
    assert!(e.to_string().contains("more than 16777216 blocks"), "{e}");
    assert!(zeros(&[1 << 13, 1 << 13], 1).is_err());
    assert!(zeros(&[big], chunked_array::Chunks::Auto { bytes: 8 }).is_err());
}

#[test]
fn arrays_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<chunked_array::Array>();
    check::<chunked_array::Plan>();
}

#[test]
fn uniform_bounds_must_be_finite() {
    // numpy raises OverflowError; a silent array of NaN would be worse.
    for (low, high) in [(0.0, f64::INFINITY), (f64::NAN, 1.0), (f64::MIN, f64::MAX), (f64::NEG_INFINITY, 0.0)]
    {
        let e = chunked_array::random::uniform(0, low, high, &[4], 2).unwrap_err();
        assert!(matches!(e, ArrayError::InvalidParameter { name: "uniform bounds", .. }), "{e}");
    }
    // Reversed bounds draw from (high, low], as numpy's.
    let v = chunked_array::random::uniform(0, 1.0, 0.0, &[100], 7)
        .unwrap()
        .compute(&executors::Executor::sequential())
        .unwrap();
    assert!(v.iter().all(|&x| x > 0.0 && x <= 1.0));
}

/// `clip`'s bounds: either bound NaN, or `lo > hi`, is an error naming
/// them; `lo == hi` is numpy's clip to one value (NaN stays NaN).
#[test]
fn clip_refuses_a_nan_bound_and_crossed_bounds_but_takes_equal_ones() {
    let x =
        from_array(&ArrayD::from_shape_vec(IxDyn(&[4]), vec![-1.0, 0.5, f64::NAN, 3.0]).unwrap(), 2).unwrap();
    for (lo, hi) in [(f64::NAN, 1.0), (0.0, f64::NAN), (f64::NAN, f64::NAN), (1.0, 0.0)] {
        let e = x.clip(lo, hi).unwrap_err();
        assert!(
            matches!(&e, ArrayError::InvalidParameter { name: "clip bounds", value } if value == &format!("[{lo}, {hi}]")),
            "{lo}, {hi}: {e}"
        );
    }
    let v = x.clip(0.5, 0.5).unwrap().compute(&executors::Executor::sequential()).unwrap();
    assert_eq!(
        v.iter().map(|v| if v.is_nan() { -9.0 } else { *v }).collect::<Vec<_>>(),
        [0.5, 0.5, -9.0, 0.5]
    );
}

#[test]
fn up_to_max_dims_dimensions_are_accepted_and_one_more_refused() {
    let at_limit = vec![1; chunked_array::MAX_DIMS];
    let a = zeros(&at_limit, 1).unwrap();
    assert_eq!(a.ndim(), chunked_array::MAX_DIMS);
    let over = vec![1; chunked_array::MAX_DIMS + 1];
    let e = zeros(&over, 1).unwrap_err();
    assert!(
        matches!(&e, ArrayError::TooManyDims { shape } if shape.len() == chunked_array::MAX_DIMS + 1),
        "{e}"
    );
    // A broadcast result at the limit is accepted too.
    let b = zeros(&[1], 1).unwrap();
    assert!(a.add(&b).is_ok());
}
