//! `cumsum` and `cumprod` along an axis: each block scanned on its own,
//! plus the totals of the blocks before it along the axis (a running sum
//! of per-block totals, one small reduction per block), so every element
//! is read twice and nothing is held beyond a block.

use std::sync::Arc;

use ndarray::{ArrayViewD, Axis};

use crate::array::Array;
use crate::error::ArrayError;
use crate::index::Index;
use crate::join::concatenate;

impl Array {
    /// The cumulative sums along `axis` (numpy's `cumsum(axis=...)`; `-1`
    /// is the last axis); with `None` or `..`, of the flattened array
    /// (row-major), numpy's default.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::arange(1.0, 6.0, 1.0, 2)?;
    /// let c = x.cumsum(0)?.compute(&Executor::sequential())?;
    /// assert_eq!(c.into_raw_vec_and_offset().0, vec![1.0, 3.0, 6.0, 10.0, 15.0]);
    /// let m = x.reshape(&[1, 5])?;
    /// assert_eq!(m.cumsum(None)?.shape(), &[5]);
    /// assert_eq!(m.cumsum(-1)?.shape(), &[1, 5]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn cumsum(&self, axis: impl Into<crate::Axes>) -> Result<Array, ArrayError> {
        self.scan_over("cumsum", axis.into(), false)
    }

    /// The cumulative products along `axis`, or of the flattened array for
    /// `None` or `..` (numpy's `cumprod`).
    pub fn cumprod(&self, axis: impl Into<crate::Axes>) -> Result<Array, ArrayError> {
        self.scan_over("cumprod", axis.into(), true)
    }

    fn scan_over(&self, op: &'static str, axis: crate::Axes, product: bool) -> Result<Array, ArrayError> {
        match crate::reduce::one_axis(op, axis, self.ndim(), self.shape())? {
            Some(a) => self.scan(a, product),
            None => self.ravel()?.scan(0, product),
        }
    }

    fn scan(&self, axis: usize, product: bool) -> Result<Array, ArrayError> {
        if axis >= self.ndim() {
            return Err(ArrayError::AxisOutOfRange { axis, shape: self.shape().to_vec() });
        }
        let lens = self.chunks()[axis].clone();
        if lens.len() <= 1 {
            return self.map_blocks(move |b| Ok(local_scan(&b, axis, product)));
        }
        let mut pieces = Vec::with_capacity(lens.len());
        let mut carry: Option<Array> = None;
        let mut start = 0isize;
        for &n in &lens {
            // n is a block length, far below isize::MAX.
            let end = start + n as isize;
            let index: Vec<Index> = (0..self.ndim())
                .map(|d| if d == axis { Index::range(start, end, 1) } else { Index::full() })
                .collect();
            let block = self.index(&index)?;
            let scanned = block.map_blocks(move |b| Ok(local_scan(&b, axis, product)))?;
            pieces.push(match &carry {
                None => scanned,
                Some(c) => {
                    let c = self.keepdims(c, &[axis])?;
                    if product { scanned.multiply(&c)? } else { scanned.add(&c)? }
                }
            });
            let total = if product { block.prod(axis)? } else { block.sum(axis)? };
            carry = Some(match carry {
                None => total,
                Some(c) => {
                    if product {
                        c.multiply(&total)?
                    } else {
                        c.add(&total)?
                    }
                }
            });
            start = end;
        }
        concatenate(&pieces, axis)
    }

    /// The products over `axes` (numpy's `prod`; 1 over no elements): each
    /// block's lanes multiplied, then the blocks' products.
    pub fn prod(&self, axes: impl Into<crate::Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.prod_over(a))
    }

    fn prod_over(&self, axes: crate::Axes) -> Result<Array, ArrayError> {
        let axes = self.resolve_axes("prod", axes)?;
        // log-free: products of block partials, rechunked whole, multiplied.
        let mut out_chunks = self.chunks().to_vec();
        for &a in &axes {
            out_chunks[a] = vec![1; self.chunks()[a].len()];
        }
        let reduced = axes.clone();
        let f = Arc::new(move |b: &[ArrayViewD<'_, f64>]| Ok(lane_products(&b[0], &reduced)));
        let partial =
            crate::blockwise(f, std::slice::from_ref(self), crate::Chunks::Explicit(out_chunks.clone()))?;
        let mut whole = out_chunks;
        for &a in &axes {
            whole[a] = vec![whole[a].len()];
        }
        let partial = partial.rechunk(crate::Chunks::Explicit(whole.clone()))?;
        for &a in &axes {
            whole[a] = vec![1];
        }
        let reduced = axes.clone();
        let f = Arc::new(move |b: &[ArrayViewD<'_, f64>]| Ok(lane_products(&b[0], &reduced)));
        let total = crate::blockwise(f, &[partial], crate::Chunks::Explicit(whole))?;
        let index: Vec<Index> =
            (0..self.ndim()).map(|d| if axes.contains(&d) { Index::At(0) } else { Index::full() }).collect();
        total.index(&index)
    }
}

/// The block scanned along `axis`.
fn local_scan(b: &ArrayViewD<'_, f64>, axis: usize, product: bool) -> ndarray::ArrayD<f64> {
    let mut out = b.to_owned();
    if b.shape()[axis] > 1 {
        out.accumulate_axis_inplace(
            Axis(axis),
            |&prev, cur| if product { *cur *= prev } else { *cur += prev },
        );
    }
    out
}

/// The products of a block's lanes over `axes`, keeping them as length 1.
fn lane_products(b: &ArrayViewD<'_, f64>, axes: &[usize]) -> ndarray::ArrayD<f64> {
    let mut out = b.to_owned();
    for &a in axes.iter().rev() {
        out = out.map_axis(Axis(a), |lane| lane.iter().product::<f64>()).insert_axis(Axis(a));
    }
    out
}
