//! More of numpy's element-wise functions: `log1p`, `expm1`, `log2`,
//! `log10`, `exp2`, `cbrt`, trigonometric and hyperbolic functions and
//! their inverses, `reciprocal`, `floor`, `ceil`, `round`, `sign`, `isnan`,
//! `isfinite`, `nan_to_num`, `clip`, comparisons (1.0 where true, 0.0 where false, as a float mask)
//! and `where`.

use crate::array::{Array, Binary, Op, Unary, broadcast_chunks, broadcast_shapes, check_shape};
use crate::error::ArrayError;

impl Array {
    /// `ln(1 + x)`, accurate for small `x` (numpy's `log1p`).
    pub fn log1p(&self) -> Array {
        self.unary(Unary::Log1p)
    }

    /// `e^x - 1`, accurate for small `x` (numpy's `expm1`).
    pub fn expm1(&self) -> Array {
        self.unary(Unary::Expm1)
    }

    /// The tangent, element-wise.
    pub fn tan(&self) -> Array {
        self.unary(Unary::Tan)
    }

    /// The floor, element-wise.
    pub fn floor(&self) -> Array {
        self.unary(Unary::Floor)
    }

    /// The ceiling, element-wise.
    pub fn ceil(&self) -> Array {
        self.unary(Unary::Ceil)
    }

    /// Rounded to the nearest integer, halves to even (numpy's `round`).
    pub fn round(&self) -> Array {
        self.unary(Unary::Round)
    }

    /// -1, 0 or 1 by sign (NaN for NaN, as numpy).
    pub fn sign(&self) -> Array {
        self.unary(Unary::Sign)
    }

    /// 1.0 where the element is NaN, else 0.0 (numpy's `isnan` as floats).
    pub fn isnan(&self) -> Array {
        self.unary(Unary::IsNan)
    }

    /// 1.0 where the element is finite, else 0.0.
    pub fn isfinite(&self) -> Array {
        self.unary(Unary::IsFinite)
    }

    /// NaN replaced by `value` (numpy's `nan_to_num(x, nan=value)`, which
    /// here leaves infinities alone).
    pub fn nan_to_num(&self, value: f64) -> Array {
        self.unary(Unary::NanTo(value))
    }

    /// Values limited to `[lo, hi]` (numpy's `clip`; NaN stays NaN); a
    /// bound numpy leaves out (`None`) is `f64::NEG_INFINITY` or
    /// `f64::INFINITY` here. An error if `lo > hi` (numpy silently returns
    /// `hi` everywhere then) or a bound is NaN.
    pub fn clip(&self, lo: f64, hi: f64) -> Result<Array, ArrayError> {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Err(ArrayError::InvalidParameter { name: "clip bounds", value: format!("[{lo}, {hi}]") });
        }
        Ok(self.unary(Unary::Clip(lo, hi)))
    }

    /// The base-2 logarithm, element-wise (numpy's `log2`).
    pub fn log2(&self) -> Array {
        self.unary(Unary::Log2)
    }

    /// The base-10 logarithm, element-wise (numpy's `log10`).
    pub fn log10(&self) -> Array {
        self.unary(Unary::Log10)
    }

    /// `2^x`, element-wise (numpy's `exp2`).
    pub fn exp2(&self) -> Array {
        self.unary(Unary::Exp2)
    }

    /// The cube root, element-wise (numpy's `cbrt`).
    pub fn cbrt(&self) -> Array {
        self.unary(Unary::Cbrt)
    }

    /// The hyperbolic sine, element-wise (numpy's `sinh`).
    pub fn sinh(&self) -> Array {
        self.unary(Unary::Sinh)
    }

    /// The hyperbolic cosine, element-wise (numpy's `cosh`).
    pub fn cosh(&self) -> Array {
        self.unary(Unary::Cosh)
    }

    /// The hyperbolic tangent, element-wise (numpy's `tanh`).
    pub fn tanh(&self) -> Array {
        self.unary(Unary::Tanh)
    }

    /// The inverse sine (NaN outside [-1, 1]), element-wise (numpy's `arcsin`).
    pub fn arcsin(&self) -> Array {
        self.unary(Unary::Arcsin)
    }

    /// The inverse cosine (NaN outside [-1, 1]), element-wise (numpy's `arccos`).
    pub fn arccos(&self) -> Array {
        self.unary(Unary::Arccos)
    }

    /// The inverse tangent, element-wise (numpy's `arctan`).
    pub fn arctan(&self) -> Array {
        self.unary(Unary::Arctan)
    }

    /// `1 / x`, element-wise (numpy's `reciprocal`).
    pub fn reciprocal(&self) -> Array {
        self.unary(Unary::Reciprocal)
    }

    /// `self > other` as 1.0/0.0, broadcast.
    pub fn greater(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Greater, other)
    }

    /// `self >= other` as 1.0/0.0, broadcast.
    pub fn greater_equal(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::GreaterEqual, other)
    }

    /// `self < other` as 1.0/0.0, broadcast.
    pub fn less(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Less, other)
    }

    /// `self <= other` as 1.0/0.0, broadcast.
    pub fn less_equal(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::LessEqual, other)
    }

    /// `self == other` as 1.0/0.0, broadcast (NaN equals nothing).
    pub fn equal(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Equal, other)
    }

    /// `self != other` as 1.0/0.0, broadcast.
    pub fn not_equal(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::NotEqual, other)
    }
}

/// numpy's `where(cond, x, y)`: `x` where `cond` is non-zero (NaN counts as
/// non-zero, as numpy's truth of NaN), else `y`; the three are broadcast
/// together.
///
/// ```
/// use chunked_array::{from_array, where_};
/// use executors::Executor;
/// let x = from_array(&ndarray::arr1(&[1.0, f64::NAN, 3.0]), 2)?;
/// let y = where_(&x.isnan(), &chunked_array::zeros(&[], 1)?, &x)?;
/// assert_eq!(y.compute(&Executor::sequential())?.into_raw_vec_and_offset().0, vec![1.0, 0.0, 3.0]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn where_(cond: &Array, x: &Array, y: &Array) -> Result<Array, ArrayError> {
    let xy = broadcast_shapes("where", x.shape(), y.shape())?;
    let shape = broadcast_shapes("where", cond.shape(), &xy)?;
    check_shape(&shape)?;
    // Blocks: those of an operand that spans each axis, x's and y's first.
    let chunks = broadcast_chunks(&shape, &[x, y, cond]);
    Ok(Array::from_parts(shape, chunks, Op::Where(cond.clone(), x.clone(), y.clone())))
}
