//! [`Array::histogram`]: counts of values per bin in one streamed pass over
//! the blocks (numpy's and dask's `histogram`), each block reduced to its
//! counts by a blockwise task and the counts summed; a second pass first
//! only when the range is to be found (its minimum and maximum).

use std::sync::Arc;

use executors::Executor;
use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::array::Array;
use crate::blockwise::blockwise;
use crate::chunks::Chunks;
use crate::error::ArrayError;
use crate::node::BlockFn;

/// The bins of a [`Array::histogram`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Bins {
    /// `count` bins of equal width over `range` (numpy's `bins=count,
    /// range=range`), or over the values' minimum and maximum when `range`
    /// is `None` (an extra pass); a range of one value `v` becomes
    /// `(v - 0.5, v + 0.5)`, as numpy makes it.
    Equal {
        /// How many bins, at least 1.
        count: usize,
        /// The low edge of the first bin and the high edge of the last.
        range: Option<(f64, f64)>,
    },
    /// Bins between consecutive edges, which must not decrease (numpy's
    /// `bins=edges`); infinite end edges catch every value beyond.
    Edges(Vec<f64>),
}

/// The counts of a histogram and its bin edges (numpy's `(hist, edges)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Values per bin; bin `k` is `edges[k] <= x < edges[k + 1]`, the last
    /// bin closed on the right too. Values outside the edges and NaN are
    /// not counted (as numpy).
    pub counts: Vec<u64>,
    /// The bin edges, one more than the bins.
    pub edges: Vec<f64>,
}

impl Array {
    /// The histogram of every value (numpy's `histogram`): each block
    /// counted by a task of its own and the counts summed, so that no more
    /// than a block of values per worker is held. Counts do not depend on
    /// chunks, executor or workers.
    ///
    /// ```
    /// use chunked_array::{Bins, arange};
    /// use executors::Executor;
    /// let x = arange(0.0, 10.0, 1.0, 3)?;
    /// let h = x.histogram(Bins::Equal { count: 4, range: Some((0.0, 8.0)) }, &Executor::sequential())?;
    /// assert_eq!(h.edges, [0.0, 2.0, 4.0, 6.0, 8.0]);
    /// // 9 is outside; 8 falls in the last bin, closed on the right.
    /// assert_eq!(h.counts, [2, 2, 2, 3]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn histogram(&self, bins: Bins, exec: &Executor) -> Result<Histogram, ArrayError> {
        let edges = self.edges(bins, exec)?;
        let rule = Rule::of(&edges);
        let n = edges.len() - 1;
        if self.shape().contains(&0) {
            return Ok(Histogram { counts: vec![0; n], edges });
        }
        // A 0-dimensional array has one value and no blocks to map.
        let array = if self.ndim() == 0 { self.reshape(&[1])? } else { self.clone() };
        let per_block: BlockFn = {
            let rule = rule.clone();
            let ndim = array.ndim();
            Arc::new(move |blocks: &[ArrayViewD<'_, f64>]| {
                let mut counts = vec![0u64; rule.bins()];
                rule.count(&blocks[0], &mut counts);
                // A block holds fewer than 2^53 values: its counts are exact
                // as f64.
                let values = counts.iter().map(|&c| c as f64).collect();
                let mut shape = vec![1; ndim];
                shape[ndim - 1] = rule.bins();
                ArrayD::from_shape_vec(IxDyn(&shape), values).map_err(|e| e.to_string())
            })
        };
        // Every block gives one row of counts along the last axis.
        let out: Vec<Vec<usize>> = array
            .chunks()
            .iter()
            .enumerate()
            .map(|(axis, c)| if axis + 1 == array.ndim() { vec![n; c.len()] } else { vec![1; c.len()] })
            .collect();
        let counted =
            blockwise(per_block, std::slice::from_ref(&array), Chunks::Explicit(out))?.compute(exec)?;
        let mut counts = vec![0u64; n];
        for (i, &c) in counted.iter().enumerate() {
            // Whole numbers below 2^53, read back exactly.
            counts[i % n] += c as u64;
        }
        Ok(Histogram { counts, edges })
    }

    /// The edges of `bins`, checked; the range found by a pass when not given.
    fn edges(&self, bins: Bins, exec: &Executor) -> Result<Vec<f64>, ArrayError> {
        let bad = |value: String| ArrayError::InvalidParameter { name: "histogram bins", value };
        match bins {
            Bins::Edges(edges) => {
                if edges.len() < 2 {
                    return Err(bad(format!("{edges:?}: give at least two edges")));
                }
                if let Some(k) = edges
                    .windows(2)
                    .position(|w| w[0].partial_cmp(&w[1]).is_none_or(std::cmp::Ordering::is_gt))
                {
                    return Err(bad(format!(
                        "edge {} ({}) is below edge {k} ({}): edges must not decrease, nor be NaN",
                        k + 1,
                        edges[k + 1],
                        edges[k]
                    )));
                }
                Ok(edges)
            }
            Bins::Equal { count: 0, .. } => Err(bad("0 bins: give at least one".into())),
            Bins::Equal { count, range } => {
                let (low, high) = match range {
                    Some((low, high)) => {
                        if !(low.is_finite() && high.is_finite()) || low > high {
                            return Err(ArrayError::InvalidParameter {
                                name: "histogram range",
                                value: format!(
                                    "({low}, {high}): give finite bounds, the low one not above the high one"
                                ),
                            });
                        }
                        (low, high)
                    }
                    None if self.shape().contains(&0) => (0.0, 1.0),
                    None => {
                        let (min, max) = (self.min(..)?, self.max(..)?);
                        let found = crate::compute_scalars(&[&min, &max], exec)?;
                        let (low, high) = (found[0], found[1]);
                        if !(low.is_finite() && high.is_finite()) {
                            return Err(ArrayError::InvalidParameter {
                                name: "histogram range",
                                value: format!(
                                    "the values run from {low} to {high}: give a finite range, or \
                                     leave NaN and infinities out"
                                ),
                            });
                        }
                        (low, high)
                    }
                };
                let (low, high) = if low == high { (low - 0.5, high + 0.5) } else { (low, high) };
                // numpy's linspace: low + k * step, the last edge exactly high.
                let step = (high - low) / count as f64;
                let mut edges: Vec<f64> = (0..count).map(|k| low + k as f64 * step).collect();
                edges.push(high);
                Ok(edges)
            }
        }
    }
}

/// How a value finds its bin.
#[derive(Clone)]
enum Rule {
    /// Equal widths: the bin computed from the value, then corrected by
    /// comparing with the edges on either side (as numpy does), so that it
    /// agrees with the edges exactly.
    Equal { edges: Arc<[f64]>, scale: f64 },
    /// Any edges: a binary search.
    Search { edges: Arc<[f64]> },
}

impl Rule {
    fn of(edges: &[f64]) -> Self {
        let n = edges.len() - 1;
        let (low, high) = (edges[0], edges[n]);
        let equal = low.is_finite() && high.is_finite() && high > low && {
            let step = (high - low) / n as f64;
            (0..n).all(|k| edges[k] == low + k as f64 * step)
        };
        if equal {
            Rule::Equal { edges: edges.into(), scale: n as f64 / (high - low) }
        } else {
            Rule::Search { edges: edges.into() }
        }
    }

    fn bins(&self) -> usize {
        match self {
            Rule::Equal { edges, .. } | Rule::Search { edges } => edges.len() - 1,
        }
    }

    /// Adds the values of `block` inside the edges to their bins' counts.
    fn count(&self, block: &ArrayViewD<'_, f64>, counts: &mut [u64]) {
        match self {
            Rule::Equal { edges, scale } => each(block, |x| {
                if let Some(k) = equal_bin(edges, *scale, x) {
                    counts[k] += 1;
                }
            }),
            Rule::Search { edges } => each(block, |x| {
                if let Some(k) = searched_bin(edges, x) {
                    counts[k] += 1;
                }
            }),
        }
    }
}

/// `f` of every value of `block`, through a slice when it is contiguous.
#[inline]
fn each(block: &ArrayViewD<'_, f64>, mut f: impl FnMut(f64)) {
    match block.as_slice_memory_order() {
        Some(values) => values.iter().for_each(|&x| f(x)),
        None => block.iter().for_each(|&x| f(x)),
    }
}

/// The bin of `x` among equal-width `edges` (`scale` bins a unit), if it
/// is inside them (NaN never is): computed from the value, then corrected
/// by comparing with the edges on either side, so that it agrees with the
/// edges exactly.
#[inline]
fn equal_bin(edges: &[f64], scale: f64, x: f64) -> Option<usize> {
    let last = edges.len() - 1;
    if !(x >= edges[0] && x <= edges[last]) {
        return None;
    }
    // In range, so the product is finite and at least 0; the cast
    // saturates, and the bin is clamped to the last.
    let mut k = (((x - edges[0]) * scale) as usize).min(last - 1);
    if x < edges[k] {
        k -= 1;
    } else if k + 1 < last && x >= edges[k + 1] {
        k += 1;
    }
    Some(k)
}

/// The bin of `x` among any `edges`, if it is inside them: the last edge
/// at or below it, a value at the last edge counted in the last bin.
#[inline]
fn searched_bin(edges: &[f64], x: f64) -> Option<usize> {
    let last = edges.len() - 1;
    if !(x >= edges[0] && x <= edges[last]) {
        return None;
    }
    let above = edges.partition_point(|&e| e <= x);
    Some(above.saturating_sub(1).min(last - 1))
}

#[cfg(test)]
mod tests;
