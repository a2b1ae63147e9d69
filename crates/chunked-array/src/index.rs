//! Basic indexing as numpy's: slices with steps and negative bounds,
//! integers that drop an axis, `newaxis`, and an ellipsis. Lazy: a region
//! of the result reads the bounding region of the input and takes every
//! `step`-th element (splitting the region where the steps are so long
//! that the bounding region would be much larger than the result).

use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo};

use ndarray::{ArrayD, Axis, IxDyn, Slice};

use crate::array::{Array, Op};
use crate::error::ArrayError;
use crate::node::{IndexMap, OutAxis};

/// One entry of an index, as between the commas of numpy's `x[...]`.
///
/// ```
/// use chunked_array::{Index, from_array};
/// use executors::Executor;
/// let a = from_array(&ndarray::Array::range(0.0, 24.0, 1.0).into_shape_with_order((4, 6)).unwrap(), 2)?;
/// // a[::-2, 1:, None][..., 0]  -> rows 3 and 1, columns 1..6, a new axis, then its first entry
/// let b = a.index(&[Index::step(.., -2), Index::from(1..), Index::NewAxis])?;
/// assert_eq!(b.shape(), &[2, 5, 1]);
/// let c = b.index(&[Index::Ellipsis, Index::At(0)])?;
/// let values = c.compute(&Executor::sequential())?;
/// assert_eq!(values.iter().copied().collect::<Vec<_>>(), vec![19.0, 20.0, 21.0, 22.0, 23.0, 7.0, 8.0, 9.0, 10.0, 11.0]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Index {
    /// `start:stop:step`; a missing bound is the axis' end in the step's
    /// direction; negative bounds count from the end; bounds beyond the
    /// axis are clipped (as numpy); the step must not be 0.
    Slice {
        /// The first index (`None`: 0, or the last for a negative step).
        start: Option<isize>,
        /// One past the last index (`None`: the axis' end in the step's
        /// direction).
        stop: Option<isize>,
        /// The step.
        step: isize,
    },
    /// One index (negative from the end): the axis is dropped.
    At(isize),
    /// numpy's `None`/`newaxis`: a new axis of length 1.
    NewAxis,
    /// numpy's `...`: as many full slices as the axes not named.
    Ellipsis,
}

impl Index {
    /// Every index of an axis (`:`).
    pub fn full() -> Self {
        Self::Slice { start: None, stop: None, step: 1 }
    }

    /// numpy's `start:stop:step` with every part given (`None` for a part
    /// left out): `Index::range(8, 1, -3)` is `8:1:-3`, `Index::range(1, -1,
    /// 1)` is `1:-1`, `Index::range(None, None, -1)` is `::-1`.
    pub fn range(start: impl Into<Option<isize>>, stop: impl Into<Option<isize>>, step: isize) -> Self {
        Self::Slice { start: start.into(), stop: stop.into(), step }
    }

    /// A range taken with a step (`start:stop:step`).
    pub fn step(range: impl Into<Index>, step: isize) -> Self {
        match range.into() {
            Self::Slice { start, stop, .. } => Self::Slice { start, stop, step },
            Self::At(i) => Self::Slice { start: Some(i), stop: i.checked_add(1), step },
            other => other,
        }
    }
}

impl From<isize> for Index {
    fn from(i: isize) -> Self {
        Self::At(i)
    }
}

impl From<Range<isize>> for Index {
    fn from(r: Range<isize>) -> Self {
        Self::Slice { start: Some(r.start), stop: Some(r.end), step: 1 }
    }
}

impl From<RangeInclusive<isize>> for Index {
    fn from(r: RangeInclusive<isize>) -> Self {
        let (a, b) = r.into_inner();
        Self::Slice { start: Some(a), stop: if b == -1 { None } else { b.checked_add(1) }, step: 1 }
    }
}

impl From<RangeFrom<isize>> for Index {
    fn from(r: RangeFrom<isize>) -> Self {
        Self::Slice { start: Some(r.start), stop: None, step: 1 }
    }
}

impl From<RangeTo<isize>> for Index {
    fn from(r: RangeTo<isize>) -> Self {
        Self::Slice { start: None, stop: Some(r.end), step: 1 }
    }
}

impl From<RangeFull> for Index {
    fn from(_: RangeFull) -> Self {
        Self::full()
    }
}

impl Array {
    /// numpy's basic indexing `x[i, a:b:s, None, ...]`: axes not named at
    /// the end are taken whole. Integers drop their axis; out-of-range
    /// integers, a step of 0, more than one ellipsis or more indices than
    /// axes are errors. The result's blocks follow the input's.
    pub fn index(&self, index: &[Index]) -> Result<Array, ArrayError> {
        let named = index.iter().filter(|i| !matches!(i, Index::NewAxis | Index::Ellipsis)).count();
        let ellipses = index.iter().filter(|i| matches!(i, Index::Ellipsis)).count();
        let bad = |reason: String| ArrayError::InvalidIndex { shape: self.shape().to_vec(), reason };
        if ellipses > 1 {
            return Err(bad("an index can only have a single ellipsis".into()));
        }
        if named > self.ndim() {
            return Err(bad(format!("{named} indices for {} axes", self.ndim())));
        }
        let mut full = Vec::with_capacity(index.len() + self.ndim());
        for i in index {
            if *i == Index::Ellipsis {
                full.extend(std::iter::repeat_n(Index::full(), self.ndim() - named));
            } else {
                full.push(i.clone());
            }
        }
        if ellipses == 0 {
            full.extend(std::iter::repeat_n(Index::full(), self.ndim() - named));
        }
        let mut axes = Vec::new();
        let mut fixed = vec![None; self.ndim()];
        let mut shape = Vec::new();
        let mut chunks = Vec::new();
        let mut d = 0;
        for i in &full {
            match *i {
                Index::NewAxis => {
                    axes.push(OutAxis::New);
                    shape.push(1);
                    chunks.push(vec![1]);
                }
                Index::At(k) => {
                    let n = self.shape()[d];
                    let at = normalize_at(k, n).ok_or(ArrayError::IndexOutOfRange {
                        index: k,
                        axis: d,
                        len: n,
                    })?;
                    fixed[d] = Some(at);
                    d += 1;
                }
                Index::Slice { start, stop, step } => {
                    if step == 0 {
                        return Err(bad(format!("slice step cannot be zero (axis {d})")));
                    }
                    let n = self.shape()[d];
                    let (first, len) = slice_indices(start, stop, step, n);
                    axes.push(OutAxis::Input { axis: d, start: first, step });
                    shape.push(len);
                    chunks.push(slice_chunks(&self.chunks()[d], first, step, len));
                    d += 1;
                }
                Index::Ellipsis => unreachable!("ellipses were expanded"),
            }
        }
        let identity = shape == self.shape()
            && fixed.iter().all(Option::is_none)
            && axes.len() == self.ndim()
            && axes.iter().enumerate().all(|(k, a)| *a == OutAxis::Input { axis: k, start: 0, step: 1 });
        if identity {
            return Ok(self.clone());
        }
        crate::array::check_shape(&shape)?;
        Ok(Array::from_parts(shape, chunks, Op::Index(self.clone(), IndexMap { axes, fixed })))
    }

    /// The axes of length 1 removed (numpy's `squeeze`): every such axis
    /// for `..`, or the axes named, each of which must have length 1.
    ///
    /// ```
    /// let a = chunked_array::zeros(&[3, 1, 4, 1], 2)?;
    /// assert_eq!(a.squeeze(..)?.shape(), &[3, 4]);
    /// assert_eq!(a.squeeze(3)?.shape(), &[3, 1, 4]);
    /// assert!(a.squeeze(0).is_err());
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn squeeze(&self, axes: impl Into<crate::Axes>) -> Result<Array, ArrayError> {
        let axes = match axes.into() {
            crate::Axes::All => (0..self.ndim()).filter(|&d| self.shape()[d] == 1).collect(),
            named => self.resolve_axes("squeeze", named)?,
        };
        if let Some(&d) = axes.iter().find(|&&d| self.shape()[d] != 1) {
            return Err(ArrayError::InvalidIndex {
                shape: self.shape().to_vec(),
                reason: format!("cannot squeeze axis {d}, whose length is not 1"),
            });
        }
        let index: Vec<Index> =
            (0..self.ndim()).map(|d| if axes.contains(&d) { Index::At(0) } else { Index::full() }).collect();
        self.index(&index)
    }

    /// New axes of length 1 at `axes`, positions in the result (numpy's
    /// `expand_dims`: `-1` puts the new axis last; several at once with
    /// `[0, 2]`).
    ///
    /// ```
    /// let a = chunked_array::zeros(&[3, 4], 2)?;
    /// assert_eq!(a.expand_dims(0)?.shape(), &[1, 3, 4]);
    /// assert_eq!(a.expand_dims(-1)?.shape(), &[3, 4, 1]);
    /// assert_eq!(a.expand_dims([0, 2])?.shape(), &[1, 3, 1, 4]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn expand_dims(&self, axes: impl Into<crate::Axes>) -> Result<Array, ArrayError> {
        let axes = axes.into();
        let added = match &axes {
            crate::Axes::Some(list) => list.len(),
            crate::Axes::Signed(list) => list.len(),
            crate::Axes::All | crate::Axes::KeepDims(_) => {
                return Err(ArrayError::InvalidParameter {
                    name: "expand_dims",
                    value: "needs the positions of the new axes".into(),
                });
            }
        };
        let ndim = self.ndim() + added;
        let at = crate::reduce::resolve("expand_dims", axes, ndim, self.shape())?;
        let index: Vec<Index> =
            (0..ndim).map(|d| if at.contains(&d) { Index::NewAxis } else { Index::full() }).collect();
        self.index(&index)
    }
}

/// An integer index in `0..n`, counting negative ones from the end.
fn normalize_at(k: isize, n: usize) -> Option<usize> {
    let n = isize::try_from(n).ok()?;
    let k = if k < 0 { k.checked_add(n)? } else { k };
    // In 0..n, so it fits a usize.
    (0..n).contains(&k).then_some(k as usize)
}

/// numpy's `slice.indices`: the first index and the number of elements of
/// `start:stop:step` over an axis of length `n` (`step != 0`).
fn slice_indices(start: Option<isize>, stop: Option<isize>, step: isize, n: usize) -> (usize, usize) {
    // Lengths of arrays fit an isize (their bytes do).
    let n = isize::try_from(n).unwrap_or(isize::MAX);
    let clip = |v: isize, lo: isize, hi: isize| {
        let v = if v < 0 { v.saturating_add(n) } else { v };
        v.clamp(lo, hi)
    };
    // The distance and the step's size as u128: no overflow at any bound.
    let count = |from: isize, to: isize| -> isize {
        let wide = |v: isize| i128::try_from(v).unwrap_or(0);
        let span = u128::try_from(wide(to) - wide(from)).unwrap_or(0);
        let s = u128::try_from(step.unsigned_abs()).unwrap_or(u128::MAX);
        // At most the span, which fits an isize.
        isize::try_from(span.div_ceil(s)).unwrap_or(isize::MAX)
    };
    let (first, len) = if step > 0 {
        let a = start.map_or(0, |v| clip(v, 0, n));
        let b = stop.map_or(n, |v| clip(v, 0, n));
        (a, if b > a { count(a, b) } else { 0 })
    } else {
        let a = start.map_or(n - 1, |v| clip(v, -1, n - 1));
        let b = stop.map_or(-1, |v| clip(v, -1, n - 1));
        (a, if a > b { count(b, a) } else { 0 })
    };
    if len == 0 {
        return (0, 0);
    }
    // Both are within 0..n here.
    (first as usize, len as usize)
}

/// The blocks of an indexed axis: consecutive results from one input block
/// form a block (as dask).
fn slice_chunks(input: &[usize], first: usize, step: isize, len: usize) -> Vec<usize> {
    if len == 0 {
        return vec![0];
    }
    let s = step.unsigned_abs();
    let mut spans = Vec::with_capacity(input.len());
    let mut b0 = 0;
    for &c in input {
        let b1 = b0 + c;
        // The results i whose input index lies in b0..b1.
        let (lo, hi) = if step > 0 {
            (b0.saturating_sub(first).div_ceil(s), b1.saturating_sub(first).div_ceil(s))
        } else if first < b0 {
            (0, 0)
        } else {
            let hi = (first - b0) / s + 1;
            let lo = if first >= b1 { (first - b1) / s + 1 } else { 0 };
            (lo, hi)
        };
        let (lo, hi) = (lo.min(len), hi.min(len));
        if hi > lo {
            spans.push((lo, hi - lo));
        }
        b0 = b1;
    }
    spans.sort_unstable();
    spans.into_iter().map(|(_, n)| n).collect()
}

/// The input index of element `i` of an indexed axis.
#[inline]
fn element(first: usize, step: isize, i: usize) -> usize {
    if step > 0 { first + i * step.unsigned_abs() } else { first - i * step.unsigned_abs() }
}

/// The bounding region of the input that a region of the result reads.
pub(crate) fn input_region(map: &IndexMap, region: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut r: Vec<Range<usize>> = map.fixed.iter().map(|f| f.map_or(0..0, |i| i..i + 1)).collect();
    for (k, ax) in map.axes.iter().enumerate() {
        if let OutAxis::Input { axis, start, step } = *ax {
            let reg = &region[k];
            r[axis] = if reg.is_empty() {
                start..start
            } else {
                let (a, b) = (element(start, step, reg.start), element(start, step, reg.end - 1));
                a.min(b)..a.max(b) + 1
            };
        }
    }
    r
}

/// Evaluates the input of an indexed array over a region.
pub(crate) type EvalInput<'a> = dyn FnMut(&[Range<usize>]) -> Result<ArrayD<f64>, String> + 'a;

/// When the bounding region is more than this many times larger than the
/// result, the result is evaluated in slices along its longest step.
const SPARSE: usize = 8;

/// Evaluates an indexed array over `region` with `eval_input`, which
/// evaluates the input over a region.
pub(crate) fn eval_index(
    map: &IndexMap,
    region: &[Range<usize>],
    eval_input: &mut EvalInput<'_>,
) -> Result<ArrayD<f64>, String> {
    let out_len: usize = region.iter().map(|r| r.len()).product();
    let in_region = input_region(map, region);
    let in_len: usize = in_region.iter().map(|r| r.len()).product();
    if out_len > 0 && in_len / out_len > SPARSE {
        // Split along the output axis of longest step that has several indices.
        let split = map
            .axes
            .iter()
            .enumerate()
            .filter(|(k, a)| {
                region[*k].len() > 1 && matches!(a, OutAxis::Input { step, .. } if step.unsigned_abs() > 1)
            })
            .max_by_key(|(_, a)| match a {
                OutAxis::Input { step, .. } => step.unsigned_abs(),
                OutAxis::New => 0,
            })
            .map(|(k, _)| k);
        if let Some(k) = split {
            let shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
            let mut out = ArrayD::zeros(IxDyn(&shape));
            for i in region[k].clone() {
                let mut sub = region.to_vec();
                sub[k] = i..i + 1;
                let v = eval_index(map, &sub, eval_input)?;
                let at = i - region[k].start;
                out.slice_axis_mut(Axis(k), Slice::from(at..at + 1)).assign(&v);
            }
            return Ok(out);
        }
    }
    let v = eval_input(&in_region)?;
    let mut view = v.view();
    // Steps over every input axis read; fixed axes keep their one index.
    for ax in &map.axes {
        if let OutAxis::Input { axis, step, .. } = *ax {
            view.slice_axis_inplace(Axis(axis), Slice::new(0, None, step));
        }
    }
    // Drop the fixed axes, last first so that the numbers stay valid.
    for (axis, f) in map.fixed.iter().enumerate().rev() {
        if f.is_some() {
            view.index_axis_inplace(Axis(axis), 0);
        }
    }
    for (k, ax) in map.axes.iter().enumerate() {
        if *ax == OutAxis::New {
            view.insert_axis_inplace(Axis(k));
        }
    }
    Ok(view.as_standard_layout().into_owned())
}
