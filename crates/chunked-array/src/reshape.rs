//! `reshape` (C order, as numpy's default), cut as dask cuts it: the axes
//! of both shapes fall into groups of consecutive axes with equal products
//! (an axis kept, axes merged, an axis split, or several into several).
//! Within a group the result's blocks are whole along every axis but the
//! first, so that each block of the result is exactly a box of the input;
//! where the input's blocks do not allow this (a merged axis cut, a block
//! boundary inside a split row), the input is rechunked first, keeping
//! blocks about the size they were. A region of the result that is such a
//! box reads that box; any other region (read by a consumer cut otherwise)
//! reads the input rows that span it and gathers them by flat index.

use std::ops::Range;

use ndarray::{ArrayD, IxDyn};

use crate::array::{Array, Op, check_shape};
use crate::error::ArrayError;

impl Array {
    /// The same elements in another shape, read in row-major order (numpy's
    /// `reshape`); an error unless the sizes agree. Where the blocks do not
    /// line up with the new shape the input is rechunked first (as dask
    /// does), so a block of the result is a block of the (rechunked) input.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::arange(0.0, 24.0, 1.0, 5)?;
    /// let y = x.reshape(&[2, 3, 4])?;
    /// let v = y.compute(&Executor::sequential())?;
    /// assert_eq!(v[[1, 2, 3]], 23.0);
    /// assert_eq!(y.reshape(&[4, 6])?.compute(&Executor::sequential())?[[3, 0]], 18.0);
    /// // Blocks along the last axis: merging it rechunks it whole.
    /// let m = chunked_array::random::uniform(0, 0.0, 1.0, &[6, 8], [3, 4])?;
    /// assert_eq!(m.reshape(&[48])?.chunks(), &[vec![8; 6]]);
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
        let (input_chunks, chunks) = reshape_chunks(self, shape);
        let input = if input_chunks.as_slice() == self.chunks() {
            self.clone()
        } else {
            self.rechunk(crate::Chunks::Explicit(input_chunks))?
        };
        Ok(Array::from_parts(shape.to_vec(), chunks, Op::Reshape(input)))
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

/// Consecutive axes of the input and of the result with equal products.
#[derive(Debug)]
struct Group {
    /// The input's axes.
    input: Range<usize>,
    /// The result's axes.
    output: Range<usize>,
    /// The first input axis longer than 1 (the axis cut), if any.
    first_in: Option<usize>,
    /// The first result axis longer than 1, if any.
    first_out: Option<usize>,
    /// The elements of one step of `first_in`: the product of the group's
    /// input axes after it.
    rest_in: usize,
    /// The same for the result.
    rest_out: usize,
}

impl Group {
    /// The step, in elements of the group, that block bounds must be a
    /// multiple of: whole rows of both shapes.
    fn unit(&self) -> usize {
        self.rest_in / gcd(self.rest_in, self.rest_out) * self.rest_out
    }
}

/// The groups of two shapes of equal, non-zero size (axes of length 1 at
/// the end join the last group).
fn groups(from: &[usize], to: &[usize]) -> Vec<Group> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < from.len() && j < to.len() {
        let (i0, j0) = (i, j);
        let (mut p, mut q) = (from[i], to[j]);
        while p != q {
            if p < q {
                i += 1;
                p *= from[i];
            } else {
                j += 1;
                q *= to[j];
            }
        }
        i += 1;
        j += 1;
        out.push((i0..i, j0..j));
    }
    if let Some(last) = out.last_mut() {
        last.0.end = from.len();
        last.1.end = to.len();
    } else {
        out.push((0..from.len(), 0..to.len()));
    }
    out.into_iter()
        .map(|(input, output)| {
            let first_in = input.clone().find(|&d| from[d] > 1);
            let first_out = output.clone().find(|&d| to[d] > 1);
            let rest = |first: Option<usize>, axes: &Range<usize>, shape: &[usize]| {
                first.map_or(1, |f| shape[f + 1..axes.end].iter().product())
            };
            Group {
                rest_in: rest(first_in, &input, from),
                rest_out: rest(first_out, &output, to),
                input,
                output,
                first_in,
                first_out,
            }
        })
        .collect()
}

/// The chunks the input must have, and the result's: within each group,
/// whole along every axis after the first cut one, the first cut at
/// multiples of the group's unit (rechunked when they are not, blocks
/// about as large as the input's were).
fn reshape_chunks(input: &Array, shape: &[usize]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let from = input.shape();
    if input.size() == 0 || from.is_empty() || shape.is_empty() {
        // Nothing to line up: one block along every axis (of a 0- or
        // 1-element array, or of no elements at all).
        let whole = |s: &[usize]| s.iter().map(|&n| vec![n]).collect();
        return (if input.size() == 0 { input.chunks().to_vec() } else { whole(from) }, whole(shape));
    }
    let mut in_chunks = input.chunks().to_vec();
    let mut out_chunks: Vec<Vec<usize>> = shape.iter().map(|&n| vec![n]).collect();
    for g in groups(from, shape) {
        let (Some(fi), Some(fo)) = (g.first_in, g.first_out) else { continue };
        let step = g.unit() / g.rest_in;
        let fits = in_chunks[fi + 1..g.input.end].iter().all(|c| c.len() == 1)
            && in_chunks[fi][..in_chunks[fi].len() - 1]
                .iter()
                .scan(0, |at, &c| {
                    *at += c;
                    Some(*at)
                })
                .all(|at| at % step == 0);
        if !fits {
            // About as many elements a block as the input's largest block had
            // over the group's axes.
            let target: usize = input.chunks()[g.input.clone()]
                .iter()
                .map(|c| c.iter().copied().max().unwrap_or(1))
                .product::<usize>()
                .max(1);
            let rows = (target / g.rest_in).max(1).div_ceil(step) * step;
            // Never more blocks than the crate allows along one axis.
            let rows = rows.max(from[fi].div_ceil(crate::MAX_BLOCKS).div_ceil(step) * step);
            in_chunks[fi] = regular(from[fi], rows);
            for d in fi + 1..g.input.end {
                in_chunks[d] = vec![from[d]];
            }
        }
        out_chunks[fo] = in_chunks[fi].iter().map(|&c| c * g.rest_in / g.rest_out).collect();
    }
    (in_chunks, out_chunks)
}

/// Blocks of `size` along an axis of length `n` (> 0), the last shorter.
fn regular(n: usize, size: usize) -> Vec<usize> {
    let size = size.clamp(1, n);
    let mut out = vec![size; n / size];
    if !n.is_multiple_of(size) {
        out.push(n % size);
    }
    out
}

/// The box of the input holding exactly a region of the result, when there
/// is one (a region of whole rows of every group, as the result's own
/// blocks are); its elements in row-major order are the region's.
fn input_box(input: &Array, shape: &[usize], region: &[Range<usize>]) -> Option<Vec<Range<usize>>> {
    let from = input.shape();
    if input.size() == 0 || from.is_empty() || shape.is_empty() || region.iter().any(|r| r.is_empty()) {
        return None;
    }
    let mut out: Vec<Range<usize>> = from.iter().map(|&n| 0..n).collect();
    for g in groups(from, shape) {
        let (Some(fi), Some(fo)) = (g.first_in, g.first_out) else { continue };
        // Whole after the cut axis; the axes before it have length 1.
        if (fo + 1..g.output.end).any(|d| region[d] != (0..shape[d])) {
            return None;
        }
        let (lo, hi) = (region[fo].start * g.rest_out, region[fo].end * g.rest_out);
        if lo % g.rest_in != 0 || hi % g.rest_in != 0 {
            return None;
        }
        out[fi] = lo / g.rest_in..hi / g.rest_in;
    }
    Some(out)
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

/// The input region that holds a region of the result: its box, or the
/// input rows (whole trailing axes) that span it.
pub(crate) fn input_region(input: &Array, shape: &[usize], region: &[Range<usize>]) -> Vec<Range<usize>> {
    if let Some(exact) = input_box(input, shape, region) {
        return exact;
    }
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
    if let Some(exact) = input_box(input, shape, region) {
        let v = eval_input(&exact)?.as_standard_layout().into_owned();
        return v.into_shape_with_order(IxDyn(&lens)).map_err(|e| e.to_string());
    }
    let in_region = input_region(input, shape, region);
    let v = eval_input(&in_region)?;
    let v = v.as_standard_layout();
    let values = v.as_slice().ok_or("an input region is not contiguous")?;
    let base = in_region.first().map_or(0, |r| r.start * trailing(input.shape()));
    let mut data = Vec::with_capacity(lens.iter().product());
    for (flat, len) in crate::region::runs(shape, region) {
        let at = flat - base;
        data.extend_from_slice(values.get(at..at + len).ok_or("a reshaped region outside its input")?);
    }
    ArrayD::from_shape_vec(IxDyn(&lens), data).map_err(|e| e.to_string())
}
