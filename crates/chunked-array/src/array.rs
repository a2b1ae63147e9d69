//! [`Array`]: a lazy chunked array, an expression over blocks. Building one
//! only checks shapes; [`Array::compute`] (or [`crate::compute`]) lowers the
//! expression to an executors task graph and runs it.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use executors::Executor;
use ndarray::ArrayD;

use crate::chunks::{self, Chunks, Grid};
use crate::error::ArrayError;
use crate::random::Stream;

/// A lazy chunked array of `f64` with any number of dimensions (up to
/// [`MAX_DIMS`]), cut into blocks along every axis, as a `dask.array.Array`. Cloning is cheap (the expression is shared).
///
/// Element-wise operations with another array return a `Result` (shapes
/// are checked when the expression is built, and a mismatch names both
/// shapes); with a scalar they cannot fail and return the array. Operators
/// follow the same rule: `&a * 2.0` is an `Array`, `&a * &b` a
/// `Result<Array, ArrayError>`.
///
/// NaN propagates as in numpy: any NaN makes a sum, mean, variance, minimum
/// or maximum NaN (`min` and `max` are numpy's `min`/`max`, not
/// `nanmin`/`nanmax`).
#[derive(Clone)]
pub struct Array {
    pub(crate) node: Arc<Node>,
}

/// One node of an expression.
pub(crate) struct Node {
    /// Unique over the process, for memoizing the lowering.
    pub(crate) id: u64,
    pub(crate) shape: Vec<usize>,
    pub(crate) grid: Grid,
    pub(crate) op: Op,
}

/// What a node computes.
pub(crate) enum Op {
    /// A seeded random array.
    Random { stream: Stream, name: &'static str },
    /// Every element the same.
    Full(f64),
    /// `start + i * step` (one dimension).
    Arange { start: f64, step: f64 },
    /// An in-memory array, cut into blocks.
    FromArray(Arc<ArrayD<f64>>),
    /// An `.npy` file, read block by block.
    Npy(Arc<crate::npy::NpySource>),
    /// An element-wise function of one array.
    Unary(Unary, Array),
    /// An element-wise function of two arrays, broadcast together.
    Binary(Binary, Array, Array),
    /// Axes permuted: axis `k` of the result is axis `perm[k]` of the input.
    Transpose(Array, Vec<usize>),
    /// The same values, other blocks.
    Rechunk(Array),
    /// Basic indexing: slices, integers, new axes.
    Index(Array, crate::index::IndexMap),
    /// The same elements in another shape (row-major).
    Reshape(Array),
    /// Arrays joined along an axis.
    Concat(Vec<Array>, usize),
    /// A reduction over some axes (sorted, distinct; all of them for a full
    /// reduction).
    Reduce { input: Array, axes: Vec<usize>, stat: Stat },
    /// numpy's `where(cond, x, y)`: `x` where `cond` is non-zero, else `y`,
    /// the three broadcast together.
    Where(Array, Array, Array),
    /// A function of the inputs' blocks (`map_blocks`, `blockwise`).
    Blockwise(Vec<Array>, crate::blockwise::BlockOp),
    /// The exact `q`-quantile of every element (NaN ignored when
    /// `skip_nan`), streamed.
    Select { input: Array, q: f64, skip_nan: bool },
    /// `dot` of a matrix or vector with a matrix or vector.
    Dot(Array, Array),
}

/// Element-wise functions of one array (scalar operands are parameters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Unary {
    Neg,
    Exp,
    Log,
    Sqrt,
    Abs,
    Sin,
    Cos,
    Square,
    /// `x + c` (and `x - c` as `x + (-c)`, which IEEE 754 makes identical).
    AddScalar(f64),
    /// `x * c`.
    MulScalar(f64),
    /// `c - x`.
    ScalarSub(f64),
    /// `x / c`.
    DivScalar(f64),
    /// `c / x`.
    ScalarDiv(f64),
    /// `x.powf(c)`.
    Powf(f64),
    /// `ln(1 + x)`, accurate near 0.
    Log1p,
    /// `e^x - 1`, accurate near 0.
    Expm1,
    /// `tan x`.
    Tan,
    /// The largest integer not above `x`.
    Floor,
    /// The smallest integer not below `x`.
    Ceil,
    /// Rounded half to even (numpy's `round`).
    Round,
    /// -1, 0 or 1 (NaN for NaN), numpy's `sign`.
    Sign,
    /// 1 where NaN, else 0.
    IsNan,
    /// 1 where finite, else 0.
    IsFinite,
    /// NaN replaced by a value (the other values kept).
    NanTo(f64),
    /// `min(max(x, lo), hi)`, NaN kept (numpy's `clip`).
    Clip(f64, f64),
    /// The base-2 logarithm.
    Log2,
    /// The base-10 logarithm.
    Log10,
    /// `2^x`.
    Exp2,
    /// The cube root.
    Cbrt,
    /// The hyperbolic sine.
    Sinh,
    /// The hyperbolic cosine.
    Cosh,
    /// The hyperbolic tangent.
    Tanh,
    /// The inverse sine (NaN outside [-1, 1]).
    Arcsin,
    /// The inverse cosine (NaN outside [-1, 1]).
    Arccos,
    /// The inverse tangent.
    Arctan,
    /// `1 / x`.
    Reciprocal,
}

impl Unary {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Neg => "negative",
            Self::Exp => "exp",
            Self::Log => "log",
            Self::Sqrt => "sqrt",
            Self::Abs => "abs",
            Self::Sin => "sin",
            Self::Cos => "cos",
            Self::Square => "square",
            Self::AddScalar(_) => "add",
            Self::MulScalar(_) => "mul",
            Self::ScalarSub(_) => "sub",
            Self::DivScalar(_) | Self::ScalarDiv(_) => "truediv",
            Self::Powf(_) => "pow",
            Self::Log1p => "log1p",
            Self::Expm1 => "expm1",
            Self::Tan => "tan",
            Self::Floor => "floor",
            Self::Ceil => "ceil",
            Self::Round => "round",
            Self::Sign => "sign",
            Self::IsNan => "isnan",
            Self::IsFinite => "isfinite",
            Self::NanTo(_) => "nan_to_num",
            Self::Clip(..) => "clip",
            Self::Log2 => "log2",
            Self::Log10 => "log10",
            Self::Exp2 => "exp2",
            Self::Cbrt => "cbrt",
            Self::Sinh => "sinh",
            Self::Cosh => "cosh",
            Self::Tanh => "tanh",
            Self::Arcsin => "arcsin",
            Self::Arccos => "arccos",
            Self::Arctan => "arctan",
            Self::Reciprocal => "reciprocal",
        }
    }
}

/// Element-wise functions of two arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Maximum,
    Minimum,
    /// Comparisons: 1 where true, else 0 (NaN compares false, but unequal).
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
    Equal,
    NotEqual,
}

impl Binary {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
            Self::Div => "truediv",
            Self::Pow => "pow",
            Self::Maximum => "maximum",
            Self::Minimum => "minimum",
            Self::Greater => "greater",
            Self::GreaterEqual => "greater_equal",
            Self::Less => "less",
            Self::LessEqual => "less_equal",
            Self::Equal => "equal",
            Self::NotEqual => "not_equal",
        }
    }
}

/// What a reduction computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stat {
    Sum,
    Mean,
    Var(usize),
    Std(usize),
    Min,
    Max,
}

impl Stat {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Mean => "mean",
            Self::Var(_) => "var",
            Self::Std(_) => "std",
            Self::Min => "min",
            Self::Max => "max",
        }
    }

    /// Whether the statistic has no value over no elements (numpy raises).
    pub(crate) fn needs_elements(self) -> bool {
        matches!(self, Self::Min | Self::Max)
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Array")
            .field("shape", &self.node.shape)
            .field("chunks", &self.node.grid.chunks)
            .field("op", &self.op_name())
            .finish()
    }
}

impl Array {
    pub(crate) fn from_parts(shape: Vec<usize>, chunks: Vec<Vec<usize>>, op: Op) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Self { node: Arc::new(Node { id, shape, grid: Grid::new(chunks), op }) }
    }

    /// A source array: checks the dimensions and resolves the chunks.
    pub(crate) fn source(shape: &[usize], chunks: Chunks, op: Op) -> Result<Self, ArrayError> {
        check_shape(shape)?;
        let resolved = chunks::resolve(&chunks, shape)?;
        Ok(Self::from_parts(shape.to_vec(), resolved, op))
    }

    pub(crate) fn id(&self) -> u64 {
        self.node.id
    }

    pub(crate) fn op(&self) -> &Op {
        &self.node.op
    }

    pub(crate) fn grid(&self) -> &Grid {
        &self.node.grid
    }

    /// The operation's name, as dask names its tasks.
    pub(crate) fn op_name(&self) -> &'static str {
        match &self.node.op {
            Op::Random { name, .. } => name,
            Op::Full(_) => "full",
            Op::Arange { .. } => "arange",
            Op::FromArray(_) => "array",
            Op::Npy(_) => "from-npy",
            Op::Unary(u, _) => u.name(),
            Op::Binary(b, _, _) => b.name(),
            Op::Where(..) => "where",
            Op::Blockwise(..) => "blockwise",
            Op::Select { .. } => "quantile",
            Op::Transpose(..) => "transpose",
            Op::Rechunk(_) => "rechunk",
            Op::Index(..) => "getitem",
            Op::Concat(..) => "concatenate",
            Op::Reshape(_) => "reshape",
            Op::Reduce { stat, .. } => stat.name(),
            Op::Dot(..) => "dot",
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }

    /// The number of elements.
    pub fn size(&self) -> usize {
        self.node.shape.iter().product()
    }

    /// The size of the whole array in bytes, were it held in memory.
    pub fn nbytes(&self) -> usize {
        self.size().saturating_mul(std::mem::size_of::<f64>())
    }

    /// The block lengths along every axis (dask's `chunks`).
    pub fn chunks(&self) -> &[Vec<usize>] {
        &self.node.grid.chunks
    }

    /// The number of blocks.
    pub fn num_blocks(&self) -> usize {
        self.node.grid.len()
    }

    // ----- element-wise, with scalars -----

    pub(crate) fn unary(&self, op: Unary) -> Array {
        Array::from_parts(self.node.shape.clone(), self.node.grid.chunks.clone(), Op::Unary(op, self.clone()))
    }

    /// `e^x`, element-wise.
    pub fn exp(&self) -> Array {
        self.unary(Unary::Exp)
    }

    /// The natural logarithm, element-wise (NaN below 0, -inf at 0, as numpy).
    pub fn log(&self) -> Array {
        self.unary(Unary::Log)
    }

    /// The square root, element-wise (NaN below 0).
    pub fn sqrt(&self) -> Array {
        self.unary(Unary::Sqrt)
    }

    /// The absolute value, element-wise.
    pub fn abs(&self) -> Array {
        self.unary(Unary::Abs)
    }

    /// The sine, element-wise.
    pub fn sin(&self) -> Array {
        self.unary(Unary::Sin)
    }

    /// The cosine, element-wise.
    pub fn cos(&self) -> Array {
        self.unary(Unary::Cos)
    }

    /// `x * x`, element-wise.
    pub fn square(&self) -> Array {
        self.unary(Unary::Square)
    }

    /// `x.powf(p)`, element-wise (numpy's `x ** p`).
    pub fn powf(&self, p: f64) -> Array {
        self.unary(Unary::Powf(p))
    }

    /// `-x`, element-wise.
    pub fn negative(&self) -> Array {
        self.unary(Unary::Neg)
    }

    pub(crate) fn add_scalar(&self, c: f64) -> Array {
        self.unary(Unary::AddScalar(c))
    }

    pub(crate) fn mul_scalar(&self, c: f64) -> Array {
        self.unary(Unary::MulScalar(c))
    }

    pub(crate) fn scalar_sub(&self, c: f64) -> Array {
        self.unary(Unary::ScalarSub(c))
    }

    pub(crate) fn div_scalar(&self, c: f64) -> Array {
        self.unary(Unary::DivScalar(c))
    }

    pub(crate) fn scalar_div(&self, c: f64) -> Array {
        self.unary(Unary::ScalarDiv(c))
    }

    // ----- element-wise, with arrays (broadcasting) -----

    pub(crate) fn binary(&self, op: Binary, other: &Array) -> Result<Array, ArrayError> {
        let shape = broadcast_shapes(op.name(), self.shape(), other.shape())?;
        check_shape(&shape)?;
        let chunks = broadcast_chunks(&shape, &[self, other]);
        Ok(Array::from_parts(shape, chunks, Op::Binary(op, self.clone(), other.clone())))
    }

    /// `self + other`, broadcast as numpy does (a vector of length n
    /// against an m x n matrix adds it to every row; a 0-dimensional array
    /// to every element). The result is cut as the operand of its shape.
    pub fn add(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Add, other)
    }

    /// `self - other`, broadcast.
    pub fn subtract(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Sub, other)
    }

    /// `self * other`, broadcast.
    pub fn multiply(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Mul, other)
    }

    /// `self / other`, broadcast.
    pub fn divide(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Div, other)
    }

    /// `self ** other` (`powf`), broadcast.
    pub fn power(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Pow, other)
    }

    /// The element-wise maximum, broadcast; NaN if either is NaN (numpy's
    /// `maximum`).
    pub fn maximum(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Maximum, other)
    }

    /// The element-wise minimum, broadcast; NaN if either is NaN.
    pub fn minimum(&self, other: &Array) -> Result<Array, ArrayError> {
        self.binary(Binary::Minimum, other)
    }

    // ----- layout -----

    /// The same values cut into other blocks.
    pub fn rechunk(&self, chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
        let resolved = chunks::resolve(&chunks.into(), self.shape())?;
        Ok(Array::from_parts(self.node.shape.clone(), resolved, Op::Rechunk(self.clone())))
    }

    // ----- products -----

    /// numpy's `dot`: matrix-vector, vector-matrix, matrix-matrix or the
    /// inner product of two vectors, blockwise; with a 0-dimensional operand
    /// it multiplies. The contracted axes must have equal lengths (their
    /// blocks need not line up). Each partial product is tree-summed.
    pub fn dot(&self, other: &Array) -> Result<Array, ArrayError> {
        if self.ndim() == 0 || other.ndim() == 0 {
            return self.multiply(other);
        }
        self.product("dot", other)
    }

    /// numpy's `matmul` (`@`): as [`Array::dot`] but 0-dimensional operands
    /// are an error.
    pub fn matmul(&self, other: &Array) -> Result<Array, ArrayError> {
        if self.ndim() == 0 || other.ndim() == 0 {
            return Err(ArrayError::NotAligned {
                op: "matmul",
                left: self.node.shape.clone(),
                right: other.node.shape.clone(),
                reason: "matmul needs operands with at least one dimension".into(),
            });
        }
        self.product("matmul", other)
    }

    fn product(&self, op: &'static str, other: &Array) -> Result<Array, ArrayError> {
        let (a, b) = (self.shape(), other.shape());
        if a.len() > 2 || b.len() > 2 {
            return Err(ArrayError::NotAligned {
                op,
                left: a.to_vec(),
                right: b.to_vec(),
                reason: "products of arrays of more than two dimensions are not supported".into(),
            });
        }
        let k_left = a[a.len() - 1];
        let k_right = b[0];
        if k_left != k_right {
            return Err(ArrayError::NotAligned {
                op,
                left: a.to_vec(),
                right: b.to_vec(),
                reason: format!("{k_left} (dim {}) != {k_right} (dim 0)", a.len() - 1),
            });
        }
        let (ca, cb) = (&self.node.grid.chunks, &other.node.grid.chunks);
        let (shape, chunks) = match (a.len(), b.len()) {
            (1, 1) => (vec![], vec![]),
            (2, 1) => (vec![a[0]], vec![ca[0].clone()]),
            (1, 2) => (vec![b[1]], vec![cb[1].clone()]),
            _ => (vec![a[0], b[1]], vec![ca[0].clone(), cb[1].clone()]),
        };
        check_shape(&shape)?;
        Ok(Array::from_parts(shape, chunks, Op::Dot(self.clone(), other.clone())))
    }

    // ----- evaluation -----

    /// Computes the array on an executor (any strategy and worker count
    /// give the same result, bit for bit) and returns it in memory.
    pub fn compute(&self, exec: &Executor) -> Result<ArrayD<f64>, ArrayError> {
        Ok(crate::compute(&[self], exec)?.remove(0))
    }

    /// Computes a 0-dimensional array (the result of a full reduction) and
    /// returns its value.
    pub fn compute_scalar(&self, exec: &Executor) -> Result<f64, ArrayError> {
        if self.ndim() != 0 {
            return Err(ArrayError::NotScalar { shape: self.node.shape.clone() });
        }
        let out = self.compute(exec)?;
        Ok(out.first().copied().unwrap_or(f64::NAN))
    }
}

/// The most dimensions an array may have (numpy's limit is 64).
pub const MAX_DIMS: usize = 32;

/// At most [`MAX_DIMS`] dimensions, and a number of elements that fits a
/// `usize`.
pub(crate) fn check_shape(shape: &[usize]) -> Result<(), ArrayError> {
    if shape.len() > MAX_DIMS {
        return Err(ArrayError::TooManyDims { shape: shape.to_vec() });
    }
    if shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).is_none() {
        return Err(ArrayError::InvalidParameter {
            name: "shape",
            value: format!("{} has more elements than fit in memory addresses", crate::Shape(shape)),
        });
    }
    Ok(())
}

/// numpy's broadcasting: shapes aligned on the right, each pair of lengths
/// equal or one of them 1.
pub(crate) fn broadcast_shapes(op: &'static str, a: &[usize], b: &[usize]) -> Result<Vec<usize>, ArrayError> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for (d, slot) in out.iter_mut().enumerate() {
        let x = if d + a.len() >= n { a[d + a.len() - n] } else { 1 };
        let y = if d + b.len() >= n { b[d + b.len() - n] } else { 1 };
        *slot = if x == y || y == 1 {
            x
        } else if x == 1 {
            y
        } else {
            return Err(ArrayError::ShapeMismatch { op, left: a.to_vec(), right: b.to_vec() });
        };
    }
    Ok(out)
}

/// The blocks of a broadcast result: along every axis, those of the first
/// operand that spans the axis.
pub(crate) fn broadcast_chunks(shape: &[usize], operands: &[&Array]) -> Vec<Vec<usize>> {
    let n = shape.len();
    (0..n)
        .map(|d| {
            for x in operands {
                let m = x.ndim();
                if d + m >= n && x.shape()[d + m - n] == shape[d] {
                    return x.chunks()[d + m - n].clone();
                }
            }
            vec![shape[d]]
        })
        .collect()
}
