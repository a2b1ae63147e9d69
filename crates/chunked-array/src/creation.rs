//! Arrays from values: `zeros`, `ones`, `full`, `arange`, `from_array`.

use std::sync::Arc;

use ndarray::{ArrayBase, Data, Dimension};

use crate::array::{Array, Op};
use crate::chunks::Chunks;
use crate::error::ArrayError;

/// An array of zeros.
pub fn zeros(shape: &[usize], chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    full(shape, 0.0, chunks)
}

/// An array of ones.
pub fn ones(shape: &[usize], chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    full(shape, 1.0, chunks)
}

/// An array whose every element is `value`.
pub fn full(shape: &[usize], value: f64, chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    Array::source(shape, chunks.into(), Op::Full(value))
}

/// numpy's `arange`: `start, start + step, ...` while below `stop` (above,
/// for a negative step); `ceil((stop - start) / step)` elements, each
/// `start + i * step`.
///
/// ```
/// let a = chunked_array::arange(0.0, 1.0, 0.25, 3)?;
/// assert_eq!(a.shape(), &[4]);
/// assert_eq!(a.chunks(), &[vec![3, 1]]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn arange(start: f64, stop: f64, step: f64, chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    if step == 0.0 || !step.is_finite() {
        return Err(ArrayError::InvalidParameter { name: "arange step", value: step.to_string() });
    }
    if !start.is_finite() || !stop.is_finite() {
        return Err(ArrayError::InvalidParameter {
            name: "arange bounds",
            value: format!("{start}..{stop}"),
        });
    }
    let n = ((stop - start) / step).ceil().max(0.0);
    if n >= usize::MAX as f64 {
        return Err(ArrayError::InvalidParameter { name: "arange length", value: n.to_string() });
    }
    Array::source(&[n as usize], chunks.into(), Op::Arange { start, step })
}

/// An in-memory ndarray (of any dimensions) as a chunked array
/// (dask's `from_array`); the data is copied once and shared by the tasks.
///
/// ```
/// let m = ndarray::array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let a = chunked_array::from_array(&m, [2, 1])?;
/// assert_eq!(a.chunks(), &[vec![2, 1], vec![1, 1]]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn from_array<S, D>(data: &ArrayBase<S, D>, chunks: impl Into<Chunks>) -> Result<Array, ArrayError>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    let owned = data.to_owned().into_dyn();
    let shape = owned.shape().to_vec();
    Array::source(&shape, chunks.into(), Op::FromArray(Arc::new(owned)))
}
