//! numpy's NaN-ignoring reductions (`nansum`, `nanmean`, `nanvar`,
//! `nanstd`, `nanmin`, `nanmax`), built from the ordinary ones: NaN is
//! replaced by a neutral value and the non-NaN elements are counted, over
//! any axes. `nanvar` is two-pass (deviations from the NaN-ignoring mean),
//! as numpy's.

use crate::array::Array;
use crate::error::ArrayError;
use crate::index::Index;
use crate::reduce::Axes;
use crate::ufuncs::where_;

impl Array {
    /// A reduction's result with its reduced axes put back as length-1
    /// axes (numpy's `keepdims=True`), so that it broadcasts against the
    /// input.
    pub(crate) fn keepdims(&self, reduced: &Array, axes: &[usize]) -> Result<Array, ArrayError> {
        let index: Vec<Index> = (0..self.ndim())
            .map(|d| if axes.contains(&d) { Index::NewAxis } else { Index::full() })
            .collect();
        reduced.index(&index)
    }

    /// How many elements over `axes` are not NaN.
    pub fn count_nonnan(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| (1.0 - self.isnan()).sum(a))
    }

    /// The sums over `axes` with NaN counted as 0 (numpy's `nansum`).
    pub fn nansum(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.nan_to_num(0.0).sum(a))
    }

    /// The means over `axes` of the elements that are not NaN (NaN where
    /// every element is, as numpy's `nanmean`).
    pub fn nanmean(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| {
            let axes = self.resolve_axes("nanmean", a)?;
            self.nansum(axes.clone())?.divide(&self.count_nonnan(axes)?)
        })
    }

    /// The variances over `axes` of the elements that are not NaN, ddof 0
    /// (numpy's `nanvar`).
    pub fn nanvar(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.nanvar_ddof(axes, 0)
    }

    /// The variances over `axes` of the elements that are not NaN with
    /// `count - ddof` in the denominator; NaN where `count <= ddof`, as
    /// numpy's.
    pub fn nanvar_ddof(&self, axes: impl Into<Axes>, ddof: usize) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.nanvar_over(a, ddof))
    }

    fn nanvar_over(&self, axes: Axes, ddof: usize) -> Result<Array, ArrayError> {
        let axes = self.resolve_axes("nanvar", axes)?;
        let count = self.count_nonnan(axes.clone())?;
        let mean = self.nansum(axes.clone())?.divide(&count)?;
        let centred = self.subtract(&self.keepdims(&mean, &axes)?)?;
        let zero = crate::full(&[], 0.0, 1)?;
        let dev = where_(&self.isnan(), &zero, &centred)?;
        let m2 = dev.square().sum(axes)?;
        // Counts are exact integers in f64 far beyond any array's size.
        let dof = &count - ddof as f64;
        let nan = crate::full(&[], f64::NAN, 1)?;
        where_(&dof.less_equal(&zero)?, &nan, &m2.divide(&dof)?)
    }

    /// The standard deviations over `axes` of the elements that are not
    /// NaN, ddof 0 (numpy's `nanstd`).
    pub fn nanstd(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        Ok(self.nanvar_ddof(axes, 0)?.sqrt())
    }

    /// [`Array::nanstd`] with `ddof`.
    pub fn nanstd_ddof(&self, axes: impl Into<Axes>, ddof: usize) -> Result<Array, ArrayError> {
        Ok(self.nanvar_ddof(axes, ddof)?.sqrt())
    }

    /// The minima over `axes` ignoring NaN; NaN where every element is NaN
    /// (numpy warns and returns NaN there); an error over no elements.
    pub fn nanmin(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.nan_extreme(a, f64::INFINITY, "nanmin"))
    }

    /// The maxima over `axes` ignoring NaN (see [`Array::nanmin`]).
    pub fn nanmax(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.nan_extreme(a, f64::NEG_INFINITY, "nanmax"))
    }

    fn nan_extreme(&self, axes: Axes, fill: f64, op: &'static str) -> Result<Array, ArrayError> {
        let axes = self.resolve_axes(op, axes)?;
        let filled = self.nan_to_num(fill);
        let m = if fill > 0.0 { filled.min(axes.clone()) } else { filled.max(axes.clone()) };
        let m = m.map_err(|e| match e {
            ArrayError::EmptyReduction { shape, axes, .. } => ArrayError::EmptyReduction { op, shape, axes },
            other => other,
        })?;
        let count = self.count_nonnan(axes)?;
        let zero = crate::full(&[], 0.0, 1)?;
        let nan = crate::full(&[], f64::NAN, 1)?;
        where_(&count.equal(&zero)?, &nan, &m)
    }
}
