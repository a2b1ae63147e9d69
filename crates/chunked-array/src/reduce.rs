//! Reductions with numpy's names and defaults: `sum(axes)`, `mean`, `var`
//! and `std` (ddof 0, as numpy and dask; `var_ddof`/`std_ddof` for others),
//! `min`, `max`, over every axis (`..`), one axis (`0`) or several
//! (`[0, 2]`); with [`Axes::keepdims`] the reduced axes stay as length-1
//! axes (numpy's `keepdims=True`), for every reduction of the crate.

use std::ops::RangeFull;

use crate::array::{Array, Op, Stat};
use crate::error::ArrayError;

/// Which axes a reduction runs over, numpy's `axis=` argument: `..` for
/// every axis (numpy's `axis=None`), an axis number, or several; negative
/// numbers count from the end, as numpy's (`-1` is the last axis).
///
/// numpy's `keepdims=True` is [`Axes::keepdims`]: `x.sum(Axes::from(1).keepdims())`.
///
/// ```
/// use chunked_array::Axes;
/// assert_eq!(Axes::from(..), Axes::All);
/// assert_eq!(Axes::from(1), Axes::Some(vec![1]));
/// assert_eq!(Axes::from([0, 2]), Axes::Some(vec![0, 2]));
/// assert_eq!(Axes::from(-1), Axes::Signed(vec![-1]));
/// assert_eq!(Axes::from(1).keepdims(), Axes::KeepDims(Box::new(Axes::Some(vec![1]))));
/// let x = chunked_array::zeros(&[2, 3, 4], 2)?;
/// assert_eq!(x.sum(-1)?.shape(), &[2, 3]);
/// assert_eq!(x.mean([0, -1])?.shape(), &[3]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Axes {
    /// Every axis: the result is 0-dimensional.
    All,
    /// These axes (in any order, each once; an empty list reduces nothing).
    Some(Vec<usize>),
    /// These axes, negative ones counted from the end (`-1` is the last);
    /// what integer literals with a minus sign become.
    Signed(Vec<isize>),
    /// The axes inside, left in the result with length 1 instead of
    /// dropped (numpy's `keepdims=True`), so that the result broadcasts
    /// against the input; made by [`Axes::keepdims`].
    KeepDims(Box<Axes>),
}

impl Axes {
    /// These axes, kept in the result with length 1 (numpy's
    /// `keepdims=True`): `x.mean(Axes::from(1).keepdims())` of a
    /// `(3, 4, 5)` array has shape `(3, 1, 5)`; over every axis
    /// (`Axes::All.keepdims()`) the shape is `(1, 1, 1)`.
    ///
    /// ```
    /// use chunked_array::{Axes, from_array};
    /// use executors::Executor;
    /// let x = from_array(&ndarray::Array2::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as f64), 2)?;
    /// let m = x.mean(Axes::from(1).keepdims())?;
    /// assert_eq!(m.shape(), &[2, 1]);
    /// // Centred rows: the kept axis broadcasts against the input.
    /// let centred = (&x - &m)?.compute(&Executor::sequential())?;
    /// assert_eq!(centred.into_raw_vec_and_offset().0, vec![-1.0, 0.0, 1.0, -1.0, 0.0, 1.0]);
    /// assert_eq!(x.sum(Axes::All.keepdims())?.shape(), &[1, 1]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn keepdims(self) -> Axes {
        match self {
            Axes::KeepDims(_) => self,
            other => Axes::KeepDims(Box::new(other)),
        }
    }

    /// The axes without the keep flag, and the flag.
    fn split(self) -> (Axes, bool) {
        match self {
            Axes::KeepDims(inner) => (inner.split().0, true),
            other => (other, false),
        }
    }
}

impl From<RangeFull> for Axes {
    fn from(_: RangeFull) -> Self {
        Self::All
    }
}

impl From<usize> for Axes {
    fn from(axis: usize) -> Self {
        Self::Some(vec![axis])
    }
}

impl<const N: usize> From<[usize; N]> for Axes {
    fn from(axes: [usize; N]) -> Self {
        Self::Some(axes.to_vec())
    }
}

impl From<&[usize]> for Axes {
    fn from(axes: &[usize]) -> Self {
        Self::Some(axes.to_vec())
    }
}

impl From<Vec<usize>> for Axes {
    fn from(axes: Vec<usize>) -> Self {
        Self::Some(axes)
    }
}

/// An axis number, negative from the end: `x.sum(-1)` (integer literals
/// without a type are `i32`, so `x.sum(0)` comes here too).
impl From<i32> for Axes {
    fn from(axis: i32) -> Self {
        Self::from([axis])
    }
}

impl<const N: usize> From<[i32; N]> for Axes {
    fn from(axes: [i32; N]) -> Self {
        match axes.iter().map(|&a| usize::try_from(a)).collect::<Result<Vec<usize>, _>>() {
            Ok(list) => Self::Some(list),
            // i32 fits an isize on every target Rust supports with std.
            Err(_) => Self::Signed(axes.iter().map(|&a| a as isize).collect()),
        }
    }
}

impl From<Option<usize>> for Axes {
    fn from(axis: Option<usize>) -> Self {
        axis.map_or(Self::All, Self::from)
    }
}

/// The axes of an array of `ndim` dimensions (negative ones from the end),
/// sorted and each once; `shape` is for messages. `..` is every axis.
pub(crate) fn resolve(
    op: &'static str,
    axes: Axes,
    ndim: usize,
    shape: &[usize],
) -> Result<Vec<usize>, ArrayError> {
    let mut list = match axes {
        Axes::All => return Ok((0..ndim).collect()),
        Axes::Some(list) => list,
        Axes::KeepDims(inner) => return resolve(op, inner.split().0, ndim, shape),
        Axes::Signed(list) => list
            .iter()
            .map(|&a| {
                let n = isize::try_from(ndim).unwrap_or(isize::MAX);
                let from_end = if a < 0 { a.checked_add(n) } else { Some(a) };
                from_end.and_then(|k| usize::try_from(k).ok()).ok_or_else(|| ArrayError::InvalidParameter {
                    name: "axis",
                    value: format!("{a} is out of bounds for an array of shape {}", crate::Shape(shape)),
                })
            })
            .collect::<Result<Vec<usize>, ArrayError>>()?,
    };
    for &a in &list {
        if a >= ndim {
            return Err(ArrayError::AxisOutOfRange { axis: a, shape: shape.to_vec() });
        }
    }
    list.sort_unstable();
    if let Some(w) = list.windows(2).find(|w| w[0] == w[1]) {
        return Err(ArrayError::RepeatedAxis { op, axis: w[0], shape: shape.to_vec() });
    }
    Ok(list)
}

/// The one axis a function of one axis names (negative from the end), out
/// of `ndim`; `None` for `..` (numpy's `axis=None`); an error for several
/// axes or `keepdims`.
pub(crate) fn one_axis(
    op: &'static str,
    axes: Axes,
    ndim: usize,
    shape: &[usize],
) -> Result<Option<usize>, ArrayError> {
    match axes {
        Axes::All => Ok(None),
        Axes::KeepDims(_) => {
            Err(ArrayError::InvalidParameter { name: op, value: "keepdims does not apply here".into() })
        }
        other => match resolve(op, other, ndim, shape)?.as_slice() {
            [a] => Ok(Some(*a)),
            list => {
                Err(ArrayError::InvalidParameter { name: op, value: format!("takes one axis, not {list:?}") })
            }
        },
    }
}

impl Array {
    /// A reduction `f` over `axes`, its reduced axes put back with length 1
    /// when `axes` asks to keep them ([`Axes::keepdims`]); `f` gets the
    /// axes without the flag. Every public reduction goes through here.
    pub(crate) fn keeping(
        &self,
        axes: impl Into<Axes>,
        f: impl FnOnce(Axes) -> Result<Array, ArrayError>,
    ) -> Result<Array, ArrayError> {
        let (axes, keep) = axes.into().split();
        if !keep {
            return f(axes);
        }
        let reduced = f(axes.clone())?;
        let list = self.resolve_axes("keepdims", axes)?;
        self.keepdims(&reduced, &list)
    }

    /// The axes of a reduction, sorted and checked (a keep flag is
    /// [`Array::keeping`]'s business and ignored here).
    pub(crate) fn resolve_axes(&self, op: &'static str, axes: Axes) -> Result<Vec<usize>, ArrayError> {
        resolve(op, axes, self.ndim(), self.shape())
    }

    pub(crate) fn reduce(&self, axes: impl Into<Axes>, stat: Stat) -> Result<Array, ArrayError> {
        let axes = self.resolve_axes(stat.name(), axes.into())?;
        if stat.needs_elements() {
            let lanes: usize = axes.iter().map(|&a| self.shape()[a]).product();
            if lanes == 0 {
                return Err(ArrayError::EmptyReduction {
                    op: stat.name(),
                    shape: self.shape().to_vec(),
                    axes,
                });
            }
        }
        Ok(self.reduced(axes, stat))
    }

    /// The reduction node over sorted, distinct, valid axes.
    pub(crate) fn reduced(&self, axes: Vec<usize>, stat: Stat) -> Array {
        let mut shape = Vec::with_capacity(self.ndim() - axes.len());
        let mut chunks = Vec::with_capacity(self.ndim() - axes.len());
        for (d, (&n, c)) in self.shape().iter().zip(self.chunks()).enumerate() {
            if !axes.contains(&d) {
                shape.push(n);
                chunks.push(c.clone());
            }
        }
        Array::from_parts(shape, chunks, Op::Reduce { input: self.clone(), axes, stat })
    }

    /// The sums over `axes` (`..` for every element: a 0-dimensional array;
    /// 0 over no elements), numpy's `sum(axis=...)`. Pairwise within blocks,
    /// tree-reduced across them.
    ///
    /// ```
    /// use chunked_array::from_array;
    /// use executors::Executor;
    /// let a = from_array(&ndarray::Array3::<f64>::ones((2, 3, 4)), 2)?;
    /// let exec = Executor::sequential();
    /// assert_eq!(a.sum(..)?.compute_scalar(&exec)?, 24.0);
    /// assert_eq!(a.sum([0, 2])?.compute(&exec)?.into_raw_vec_and_offset().0, vec![8.0; 3]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn sum(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Sum))
    }

    /// The means over `axes` (NaN over no elements, as numpy), from partial
    /// moments merged with Chan et al.'s formula.
    pub fn mean(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Mean))
    }

    /// The variances over `axes`, `sum((x - mean)^2) / n` (numpy's and
    /// dask's default `ddof = 0`).
    pub fn var(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Var(0)))
    }

    /// The variances over `axes` with `n - ddof` in the denominator (NaN or
    /// inf when `n <= ddof`, as numpy).
    pub fn var_ddof(&self, axes: impl Into<Axes>, ddof: usize) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Var(ddof)))
    }

    /// The standard deviations over `axes` (ddof 0), the square roots of
    /// [`Array::var`].
    pub fn std(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Std(0)))
    }

    /// The standard deviations over `axes` with `n - ddof` in the
    /// denominator.
    pub fn std_ddof(&self, axes: impl Into<Axes>, ddof: usize) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Std(ddof)))
    }

    /// The minima over `axes`; an error over no elements (as numpy). NaN
    /// propagates (numpy's `min`, not `nanmin`).
    pub fn min(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Min))
    }

    /// The maxima over `axes`; an error over no elements (as numpy).
    pub fn max(&self, axes: impl Into<Axes>) -> Result<Array, ArrayError> {
        self.keeping(axes, |a| self.reduce(a, Stat::Max))
    }
}
