//! `argmin` and `argmax` (numpy's: over one axis or the flattened array,
//! the first index of the extreme; the first NaN's index when there is a
//! NaN), built from reductions: the extreme, then the smallest index where
//! an element equals it.

use crate::array::Array;
use crate::error::ArrayError;
use crate::index::Index;
use crate::reduce::Axes;
use crate::ufuncs::where_;

impl Array {
    /// The index of the smallest element along `axis` (`1`, `-1` or
    /// `Some(1)`), or of the flattened array (row-major) for `None` or
    /// `..`, as `f64`; an error over no elements. With
    /// [`crate::Axes::keepdims`] the axis stays with length 1 (numpy's
    /// `keepdims=True`). Over several axes (which numpy does not take), the
    /// row-major position within them.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::from_array(&ndarray::arr2(&[[3.0, 1.0, 1.0], [0.0, 5.0, -2.0]]), 2)?;
    /// let exec = Executor::sequential();
    /// assert_eq!(x.argmin(Some(1))?.compute(&exec)?.into_raw_vec_and_offset().0, vec![1.0, 2.0]);
    /// assert_eq!(x.argmax(None)?.compute_scalar(&exec)?, 4.0);
    /// assert_eq!(x.argmax(0)?.compute(&exec)?.into_raw_vec_and_offset().0, vec![0.0, 1.0, 0.0]);
    /// assert_eq!(x.argmin(-1)?.compute(&exec)?.into_raw_vec_and_offset().0, vec![1.0, 2.0]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn argmin(&self, axis: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axis, |a| self.arg_extreme(a, true))
    }

    /// The index of the largest element along `axis` (see
    /// [`Array::argmin`]).
    pub fn argmax(&self, axis: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axis, |a| self.arg_extreme(a, false))
    }

    fn arg_extreme(&self, axis: Axes, min: bool) -> Result<Array, ArrayError> {
        let op = if min { "argmin" } else { "argmax" };
        let axes = self.resolve_axes(op, axis)?;
        let extreme = if min { self.min(axes.clone()) } else { self.max(axes.clone()) };
        let extreme = extreme.map_err(|e| match e {
            ArrayError::EmptyReduction { shape, axes, .. } => ArrayError::EmptyReduction { op, shape, axes },
            other => other,
        })?;
        let e = self.keepdims(&extreme, &axes)?;
        // Where the element is the extreme (NaN where the extreme is NaN).
        let hit = where_(&e.isnan(), &self.isnan(), &self.equal(&e)?)?;
        let position = self.positions(&axes)?;
        let inf = crate::full(&[], f64::INFINITY, 1)?;
        where_(&hit, &position, &inf)?.min(axes)
    }

    /// The row-major position of every element within the axes `axes`
    /// (broadcastable to the array's shape): along one axis its index,
    /// over every axis its flat index.
    fn positions(&self, axes: &[usize]) -> Result<Array, ArrayError> {
        let mut total: Option<Array> = None;
        let mut stride = 1.0;
        for &a in axes.iter().rev() {
            let n = self.shape()[a];
            // Lengths below 2^53 are exact in f64.
            let idx =
                crate::arange(0.0, n as f64, 1.0, self.chunks()[a].first().copied().unwrap_or(1).max(1))?;
            let index: Vec<Index> =
                (0..self.ndim()).map(|d| if d == a { Index::full() } else { Index::NewAxis }).collect();
            let term = &idx.index(&index)? * stride;
            total = Some(match total {
                None => term,
                Some(t) => t.add(&term)?,
            });
            stride *= n as f64;
        }
        total.map_or_else(|| crate::full(&[], 0.0, 1), Ok)
    }
}
