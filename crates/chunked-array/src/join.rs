//! Joining arrays: `concatenate` along an existing axis and `stack` along a
//! new one (dask's `concatenate` and `stack`). Lazy: a region of the result
//! reads the overlapping regions of the inputs.

use std::ops::Range;

use crate::array::{Array, Op, check_shape};
use crate::error::ArrayError;
use crate::reduce::{Axes, one_axis};

/// The arrays joined along `axis` (numpy's `concatenate`; `-1` is the
/// last axis, `..` or `None` joins the arrays flattened): every other
/// axis must have equal lengths. The result's blocks are the inputs'
/// blocks along `axis` and the first input's along the others.
///
/// ```
/// use chunked_array::{concatenate, ones, zeros};
/// let a = concatenate(&[zeros(&[2, 3], 2)?, ones(&[4, 3], 3)?], 0)?;
/// assert_eq!(a.shape(), &[6, 3]);
/// assert_eq!(a.chunks(), &[vec![2, 3, 1], vec![2, 1]]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn concatenate(arrays: &[Array], axis: impl Into<Axes>) -> Result<Array, ArrayError> {
    let first = arrays.first().ok_or(ArrayError::InvalidParameter {
        name: "concatenate",
        value: "need at least one array to concatenate".into(),
    })?;
    let Some(axis) = one_axis("concatenate", axis.into(), first.ndim(), first.shape())? else {
        // numpy's axis=None: the arrays flattened, then joined.
        let flat = arrays.iter().map(Array::ravel).collect::<Result<Vec<_>, _>>()?;
        return concatenate(&flat, 0);
    };
    let mut shape = first.shape().to_vec();
    shape[axis] = 0;
    for a in arrays {
        let fits = a.ndim() == first.ndim()
            && a.shape().iter().zip(first.shape()).enumerate().all(|(d, (x, y))| d == axis || x == y);
        if !fits {
            return Err(ArrayError::ShapeMismatch {
                op: "concatenate",
                left: first.shape().to_vec(),
                right: a.shape().to_vec(),
            });
        }
        shape[axis] = shape[axis].checked_add(a.shape()[axis]).ok_or_else(|| {
            ArrayError::InvalidParameter { name: "shape", value: "the joined axis' length overflows".into() }
        })?;
    }
    if arrays.len() == 1 {
        return Ok(first.clone());
    }
    check_shape(&shape)?;
    let mut chunks = first.chunks().to_vec();
    let joined: Vec<usize> =
        arrays.iter().flat_map(|a| a.chunks()[axis].iter().copied()).filter(|&c| c > 0).collect();
    chunks[axis] = if joined.is_empty() { vec![0] } else { joined };
    Ok(Array::from_parts(shape, chunks, Op::Concat(arrays.to_vec(), axis)))
}

/// The arrays, of one shape, joined along a new axis `axis` (numpy's
/// `stack`; `-1` makes the new axis the last).
///
/// ```
/// use chunked_array::{stack, zeros};
/// let a = stack(&[zeros(&[2, 3], 2)?, zeros(&[2, 3], 2)?], -1)?;
/// assert_eq!(a.shape(), &[2, 3, 2]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn stack(arrays: &[Array], axis: impl Into<Axes>) -> Result<Array, ArrayError> {
    let first = arrays.first().ok_or(ArrayError::InvalidParameter {
        name: "stack",
        value: "need at least one array to stack".into(),
    })?;
    if let Some(a) = arrays.iter().find(|a| a.shape() != first.shape()) {
        return Err(ArrayError::ShapeMismatch {
            op: "stack",
            left: first.shape().to_vec(),
            right: a.shape().to_vec(),
        });
    }
    let axis = one_axis("stack", axis.into(), first.ndim() + 1, first.shape())?.ok_or(
        ArrayError::InvalidParameter { name: "stack", value: "needs an axis for the new dimension".into() },
    )?;
    let expanded = arrays.iter().map(|a| a.expand_dims(axis)).collect::<Result<Vec<_>, _>>()?;
    if expanded.len() == 1 {
        return Ok(expanded[0].clone());
    }
    concatenate(&expanded, axis)
}

/// The inputs a region of a concatenation reads, with their regions, in
/// order along `axis`.
pub(crate) fn parts<'a>(
    inputs: &'a [Array],
    axis: usize,
    region: &[Range<usize>],
) -> Vec<(&'a Array, Vec<Range<usize>>)> {
    let mut out = Vec::new();
    let r = &region[axis];
    let mut at = 0;
    for x in inputs {
        let n = x.shape()[axis];
        let (lo, hi) = (r.start.max(at), r.end.min(at + n));
        if lo < hi {
            let mut sub = region.to_vec();
            sub[axis] = lo - at..hi - at;
            out.push((x, sub));
        }
        at += n;
    }
    out
}
