//! Exact quantiles (numpy's `quantile`/`percentile` with the default
//! linear method) over any axes. Over every axis the selection is streamed
//! (`plan/select.rs`: a histogram of the elements, then only the elements
//! of the buckets holding the answer). Over some axes the array is
//! rechunked so that each lane (the elements reduced into one result) lies
//! in one block, and each block's lanes are selected in place
//! (`select_nth_unstable`), so memory holds a block of lanes at a time.

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::array::{Array, Op};
use crate::blockwise::blockwise;
use crate::chunks::Chunks;
use crate::error::ArrayError;
use crate::index::Index;
use crate::reduce::Axes;

impl Array {
    /// The `q`-quantile over `axes` (`q` in `[0, 1]`), numpy's
    /// `quantile(x, q, axis)` with linear interpolation between the two
    /// nearest order statistics; NaN where a lane holds NaN; an error over
    /// no elements.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::arange(1.0, 11.0, 1.0, 3)?;
    /// assert_eq!(x.quantile(0.25, ..)?.compute_scalar(&Executor::sequential())?, 3.25);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn quantile(&self, q: f64, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.quantile_of(q, a, false))
    }

    /// The `q`-quantile over `axes` of the elements that are not NaN
    /// (numpy's `nanquantile`; NaN where a lane is all NaN or empty).
    pub fn nanquantile(&self, q: f64, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.quantile_of(q, a, true))
    }

    /// The `p`-th percentile over `axes` of the elements that are not NaN
    /// (numpy's `nanpercentile`).
    pub fn nanpercentile(&self, p: f64, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        if !(0.0..=100.0).contains(&p) {
            return Err(ArrayError::InvalidParameter {
                name: "percentile",
                value: format!("{p} is not in [0, 100]"),
            });
        }
        self.nanquantile(p / 100.0, axes)
    }

    fn quantile_of(&self, q: f64, axes: Axes, skip_nan: bool) -> Result<Array, ArrayError> {
        if !(0.0..=1.0).contains(&q) {
            return Err(ArrayError::InvalidParameter {
                name: "quantile",
                value: format!("{q} is not in [0, 1]"),
            });
        }
        let axes = self.resolve_axes("quantile", axes)?;
        let lane: usize = axes.iter().map(|&a| self.shape()[a]).product();
        if lane == 0 {
            if !skip_nan {
                return Err(ArrayError::EmptyReduction {
                    op: "quantile",
                    shape: self.shape().to_vec(),
                    axes,
                });
            }
            // numpy's nanquantile: an empty lane is all NaN (a NaN, and a
            // warning in numpy).
            let keep = |d: &usize| !axes.contains(d);
            let shape: Vec<usize> = (0..self.ndim()).filter(keep).map(|d| self.shape()[d]).collect();
            let chunks: Vec<Vec<usize>> =
                (0..self.ndim()).filter(keep).map(|d| self.chunks()[d].clone()).collect();
            return crate::full(&shape, f64::NAN, Chunks::Explicit(chunks));
        }
        if axes.is_empty() {
            return Ok(self.clone());
        }
        if axes.len() == self.ndim() {
            // Every element: streamed, by a histogram and a second pass.
            return Ok(Array::from_parts(
                Vec::new(),
                Vec::new(),
                Op::Select { input: self.clone(), q, skip_nan },
            ));
        }
        // Every reduced axis whole in one block.
        let mut chunks = self.chunks().to_vec();
        for &a in &axes {
            chunks[a] = vec![self.shape()[a]];
        }
        let whole = if chunks.as_slice() == self.chunks() {
            self.clone()
        } else {
            self.rechunk(Chunks::Explicit(chunks.clone()))?
        };
        let mut out_chunks = chunks;
        for &a in &axes {
            out_chunks[a] = vec![1];
        }
        let reduced = axes.clone();
        let f = Arc::new(move |blocks: &[ArrayViewD<'_, f64>]| {
            Ok(quantile_block(&blocks[0], &reduced, q, skip_nan))
        });
        let kept = blockwise(f, &[whole], Chunks::Explicit(out_chunks))?;
        let index: Vec<Index> =
            (0..self.ndim()).map(|d| if axes.contains(&d) { Index::At(0) } else { Index::full() }).collect();
        kept.index(&index)
    }

    /// The `p`-th percentile over `axes` (`p` in `[0, 100]`), numpy's
    /// `percentile`.
    pub fn percentile(&self, p: f64, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        if !(0.0..=100.0).contains(&p) {
            return Err(ArrayError::InvalidParameter {
                name: "percentile",
                value: format!("{p} is not in [0, 100]"),
            });
        }
        self.quantile(p / 100.0, axes)
    }
}

/// The quantile of every lane of a block whose reduced axes are whole; the
/// result keeps those axes with length 1.
fn quantile_block(block: &ArrayViewD<'_, f64>, axes: &[usize], q: f64, skip_nan: bool) -> ArrayD<f64> {
    let nd = block.ndim();
    let kept: Vec<usize> = (0..nd).filter(|d| !axes.contains(d)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let moved = block.view().permuted_axes(IxDyn(&perm));
    let values: Vec<f64> = moved.iter().copied().collect();
    let lane: usize = axes.iter().map(|&a| block.shape()[a]).product();
    let mut values = values;
    let out: Vec<f64> = values
        .chunks_exact_mut(lane.max(1))
        .map(|l| {
            if !skip_nan {
                return lane_quantile(l, q);
            }
            // NaN sorted last by total order (numpy's NaN are positive).
            l.sort_unstable_by(f64::total_cmp);
            let n = l.partition_point(|v| !v.is_nan());
            if n == 0 { f64::NAN } else { lane_quantile(&mut l[..n], q) }
        })
        .collect();
    let shape: Vec<usize> = (0..nd).map(|d| if axes.contains(&d) { 1 } else { block.shape()[d] }).collect();
    ArrayD::from_shape_vec(IxDyn(&shape), out).unwrap_or_else(|_| ArrayD::from_elem(IxDyn(&shape), f64::NAN))
}

/// numpy's linear quantile of one lane (reordered in place).
fn lane_quantile(lane: &mut [f64], q: f64) -> f64 {
    if lane.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let n = lane.len();
    let pos = q * (n - 1) as f64;
    // pos is in [0, n - 1], so its floor fits.
    let lo = (pos.floor() as usize).min(n - 1);
    let t = pos - lo as f64;
    let (_, &mut a, rest) = lane.select_nth_unstable_by(lo, f64::total_cmp);
    if lo + 1 >= n || t == 0.0 {
        return a;
    }
    let b = rest.iter().copied().fold(f64::INFINITY, f64::min);
    // numpy's _lerp: from the nearer end, so that t = 1 gives b exactly.
    let d = b - a;
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}
