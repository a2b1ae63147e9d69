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
pub use crate::node::Array;
pub(crate) use crate::node::{Binary, Node, Op, Stat, Unary};

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

    /// numpy's `matmul` (`@`): as [`Array::dot`] for one or two
    /// dimensions; 0-dimensional operands are an error. With more, the
    /// operands are stacks of matrices over their leading axes, which
    /// broadcast (a 1-dimensional operand is a row or a column, as in
    /// numpy): each product is the sum over the shared axis of the
    /// broadcast element-wise product, blockwise (`(..., n, k, 1)` times
    /// `(..., 1, k, m)`, summed over `k`), so sums run in another order
    /// than numpy's (within rounding).
    ///
    /// ```
    /// let a = chunked_array::ones(&[4, 2, 3], 2)?;
    /// let b = chunked_array::ones(&[3, 5], 2)?;
    /// assert_eq!(a.matmul(&b)?.shape(), &[4, 2, 5]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn matmul(&self, other: &Array) -> Result<Array, ArrayError> {
        if self.ndim() == 0 || other.ndim() == 0 {
            return Err(ArrayError::NotAligned {
                op: "matmul",
                left: self.node.shape.clone(),
                right: other.node.shape.clone(),
                reason: "matmul needs operands with at least one dimension".into(),
            });
        }
        if self.ndim() > 2 || other.ndim() > 2 {
            return self.stacked_matmul(other);
        }
        self.product("matmul", other)
    }

    /// [`Array::matmul`] of stacks of matrices.
    fn stacked_matmul(&self, other: &Array) -> Result<Array, ArrayError> {
        let (row, column) = (self.ndim() == 1, other.ndim() == 1);
        let a = if row { self.expand_dims(0)? } else { self.clone() };
        let b = if column { other.expand_dims(-1)? } else { other.clone() };
        let (sa, sb) = (a.shape(), b.shape());
        let (k_left, k_right) = (sa[sa.len() - 1], sb[sb.len() - 2]);
        if k_left != k_right {
            return Err(ArrayError::NotAligned {
                op: "matmul",
                left: self.node.shape.clone(),
                right: other.node.shape.clone(),
                reason: format!("{k_left} (dim {}) != {k_right} (dim {})", sa.len() - 1, sb.len() - 2),
            });
        }
        let terms = a.expand_dims(-1)?.multiply(&b.expand_dims(-3)?)?;
        let mut out = terms.sum(-2)?;
        if column {
            out = out.squeeze(-1)?;
        }
        if row {
            out = out.squeeze(-2)?;
        }
        Ok(out)
    }

    fn product(&self, op: &'static str, other: &Array) -> Result<Array, ArrayError> {
        let (a, b) = (self.shape(), other.shape());
        if a.len() > 2 || b.len() > 2 {
            return Err(ArrayError::NotAligned {
                op,
                left: a.to_vec(),
                right: b.to_vec(),
                reason: "dot of arrays of more than two dimensions is not supported (matmul of stacks is)"
                    .into(),
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
