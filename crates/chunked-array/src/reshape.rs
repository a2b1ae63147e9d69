//! `reshape` (C order, as numpy's default). The result is cut along its
//! first axis only, at multiples of both shapes' trailing sizes, so that a
//! block of the result is whole rows of the input too; a region of the
//! result reads the input rows that hold its elements and gathers them by
//! flat index (other regions, read by consumers cut otherwise, read the
//! rows that span them).

use std::ops::Range;

use ndarray::{ArrayD, IxDyn};

use crate::array::{Array, Op, check_shape};
use crate::error::ArrayError;

impl Array {
    /// The same elements in another shape, read in row-major order (numpy's
    /// `reshape`); an error unless the sizes agree.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::arange(0.0, 24.0, 1.0, 5)?;
    /// let y = x.reshape(&[2, 3, 4])?;
    /// let v = y.compute(&Executor::sequential())?;
    /// assert_eq!(v[[1, 2, 3]], 23.0);
    /// assert_eq!(y.reshape(&[4, 6])?.compute(&Executor::sequential())?[[3, 0]], 18.0);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn reshape(&self, shape: &[usize]) -> Result<Array, ArrayError> {
        check_shape(shape)?;
        let size: usize = shape.iter().product();
        if size != self.size() {
            return Err(ArrayError::InvalidParameter {
                name: "reshape",
                value: format!(
                    "cannot reshape an array of size {} into shape {}",
                    self.size(),
                    crate::Shape(shape)
                ),
            });
        }
        if shape == self.shape() {
            return Ok(self.clone());
        }
        let chunks = reshape_chunks(self, shape);
        Ok(Array::from_parts(shape.to_vec(), chunks, Op::Reshape(self.clone())))
    }

    /// The array as one dimension (numpy's `ravel`).
    pub fn ravel(&self) -> Result<Array, ArrayError> {
        self.reshape(&[self.size()])
    }
}

fn trailing(shape: &[usize]) -> usize {
    shape.iter().skip(1).product::<usize>().max(1)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Blocks along the first axis only, each about the size of the input's
/// largest block, their flat bounds multiples of both trailing sizes.
fn reshape_chunks(input: &Array, shape: &[usize]) -> Vec<Vec<usize>> {
    let Some(&rows) = shape.first() else { return Vec::new() };
    let out_trail = trailing(shape);
    let in_trail = trailing(input.shape());
    // The smallest number of output rows whose elements are whole input rows.
    let step = in_trail / gcd(in_trail, out_trail);
    let block: usize =
        input.chunks().iter().map(|c| c.iter().copied().max().unwrap_or(1)).product::<usize>().max(1);
    let per_block = (block / out_trail).max(1).max(rows.div_ceil(crate::MAX_BLOCKS)).div_ceil(step) * step;
    let mut out = Vec::with_capacity(shape.len());
    let mut first = Vec::new();
    let mut left = rows;
    while left > 0 {
        let n = per_block.min(left);
        first.push(n);
        left -= n;
    }
    if first.is_empty() {
        first.push(0);
    }
    out.push(first);
    out.extend(shape[1..].iter().map(|&n| vec![n]));
    out
}

/// The flat bounds (first, one past the last) of a region's elements.
fn flat_span(shape: &[usize], region: &[Range<usize>]) -> Option<(usize, usize)> {
    if region.iter().any(|r| r.is_empty()) {
        return None;
    }
    let (mut lo, mut hi, mut stride) = (0, 0, 1);
    for d in (0..shape.len()).rev() {
        lo += region[d].start * stride;
        hi += (region[d].end - 1) * stride;
        stride *= shape[d];
    }
    Some((lo, hi + 1))
}

/// The input rows (whole trailing axes) that hold a region of the result.
pub(crate) fn input_region(input: &Array, shape: &[usize], region: &[Range<usize>]) -> Vec<Range<usize>> {
    let in_shape = input.shape();
    if in_shape.is_empty() {
        return Vec::new();
    }
    let trail = trailing(in_shape);
    let rows = match flat_span(shape, region) {
        Some((lo, hi)) => lo / trail..hi.div_ceil(trail),
        None => 0..0,
    };
    std::iter::once(rows).chain(in_shape[1..].iter().map(|&n| 0..n)).collect()
}

/// Evaluates a region of the result from the input's rows.
pub(crate) fn eval_reshape(
    input: &Array,
    shape: &[usize],
    region: &[Range<usize>],
    eval_input: &mut crate::index::EvalInput<'_>,
) -> Result<ArrayD<f64>, String> {
    let lens: Vec<usize> = region.iter().map(|r| r.len()).collect();
    let in_region = input_region(input, shape, region);
    let v = eval_input(&in_region)?;
    let v = v.as_standard_layout();
    let values = v.as_slice().ok_or("an input region is not contiguous")?;
    let base = in_region.first().map_or(0, |r| r.start * trailing(input.shape()));
    let mut data = Vec::with_capacity(lens.iter().product());
    for (flat, len) in crate::eval::runs(shape, region) {
        let at = flat - base;
        data.extend_from_slice(values.get(at..at + len).ok_or("a reshaped region outside its input")?);
    }
    ArrayD::from_shape_vec(IxDyn(&lens), data).map_err(|e| e.to_string())
}
