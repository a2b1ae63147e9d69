//! The vocabulary of a lazy array's expression: [`Array`] (a shared
//! [`Node`]), what a node computes ([`Op`]) and the data each kind of node
//! carries (element-wise functions, statistics, index maps, block
//! functions, stored sources). `array.rs` gives `Array` its methods; the
//! modules that build nodes, lower them to tasks and evaluate them all
//! speak these types, so none of them imports another to name a node.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD};

use crate::chunks::Grid;
use crate::stream::Stream;

/// A lazy chunked array of `f64` with any number of dimensions (up to
/// [`MAX_DIMS`](crate::MAX_DIMS)), cut into blocks along every axis, as a `dask.array.Array`. Cloning is cheap (the expression is shared).
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
    Npy(Arc<dyn Stored>),
    /// An element-wise function of one array.
    Unary(Unary, Array),
    /// An element-wise function of two arrays, broadcast together.
    Binary(Binary, Array, Array),
    /// Axes permuted: axis `k` of the result is axis `perm[k]` of the input.
    Transpose(Array, Vec<usize>),
    /// The same values, other blocks.
    Rechunk(Array),
    /// Basic indexing: slices, integers, new axes.
    Index(Array, IndexMap),
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
    Blockwise(Vec<Array>, BlockFn),
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

/// An axis of an indexed array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutAxis {
    /// Input axis `axis`, element `i` at `start + i * step`.
    Input { axis: usize, start: usize, step: isize },
    /// A new axis of length 1.
    New,
}

/// How an indexed array reads its input: its axes, and the input axes fixed
/// at one index (dropped).
#[derive(Clone, Debug)]
pub(crate) struct IndexMap {
    pub(crate) axes: Vec<OutAxis>,
    pub(crate) fixed: Vec<Option<usize>>,
}

/// A function of blocks: the inputs' blocks to the output block.
pub type BlockFn = Arc<dyn Fn(&[ArrayViewD<'_, f64>]) -> Result<ArrayD<f64>, String> + Send + Sync>;

/// A leaf's blocks kept outside memory (an `.npy` file): the evaluator
/// reads each region it needs.
pub(crate) trait Stored: Send + Sync + fmt::Debug {
    /// Reads `region` of the stored array into `data`, in row-major order.
    fn read(&self, region: &[Range<usize>], data: &mut [f64]) -> Result<(), String>;
}
