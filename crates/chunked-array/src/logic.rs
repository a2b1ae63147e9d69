//! Truth reductions as numpy's: `any`, `all` and `count_nonzero` over any
//! axes (an element is true when it is not 0, so NaN is true, as numpy's
//! truth of NaN), built from sums of comparison masks; results are 1.0 or
//! 0.0 (counts for `count_nonzero`). Over no elements `any` is 0, `all` 1.

use crate::array::Array;
use crate::error::ArrayError;
use crate::reduce::Axes;

impl Array {
    /// How many elements over `axes` are not 0 (numpy's `count_nonzero`;
    /// NaN counts).
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::from_array(&ndarray::arr2(&[[0.0, 2.0], [f64::NAN, 0.0]]), 1)?;
    /// let exec = Executor::sequential();
    /// assert_eq!(x.count_nonzero(..)?.compute_scalar(&exec)?, 2.0);
    /// assert_eq!(x.any(0)?.compute(&exec)?.into_raw_vec_and_offset().0, vec![1.0, 1.0]);
    /// assert_eq!(x.all(1)?.compute(&exec)?.into_raw_vec_and_offset().0, vec![0.0, 0.0]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn count_nonzero(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        let zero = crate::full(&[], 0.0, 1)?;
        self.keeping(axes, |a| self.not_equal(&zero)?.sum(a))
    }

    /// 1.0 where some element over `axes` is not 0, else 0.0 (numpy's
    /// `any`).
    pub fn any(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        let zero = crate::full(&[], 0.0, 1)?;
        self.keeping(axes, |a| self.not_equal(&zero)?.sum(a)?.greater(&zero))
    }

    /// 1.0 where every element over `axes` is not 0, else 0.0 (numpy's
    /// `all`).
    pub fn all(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        let zero = crate::full(&[], 0.0, 1)?;
        self.keeping(axes, |a| self.equal(&zero)?.sum(a)?.equal(&zero))
    }
}
