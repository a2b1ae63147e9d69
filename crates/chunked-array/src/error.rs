//! Typed errors: every variant names the offending shapes, axis or parameter.

use std::fmt;

/// Why an array could not be built or computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArrayError {
    /// Two operands of an element-wise operation do not broadcast together.
    #[error("operands could not be broadcast together in {op}: shapes {} and {}", Shape(.left), Shape(.right))]
    ShapeMismatch {
        /// The operation, e.g. `add`.
        op: &'static str,
        /// The left operand's shape.
        left: Vec<usize>,
        /// The right operand's shape.
        right: Vec<usize>,
    },
    /// The operands of `dot` or `matmul` do not align, or have more than two
    /// dimensions.
    #[error("shapes {} and {} not aligned for {op}: {reason}", Shape(.left), Shape(.right))]
    NotAligned {
        /// `dot` or `matmul`.
        op: &'static str,
        /// The left operand's shape.
        left: Vec<usize>,
        /// The right operand's shape.
        right: Vec<usize>,
        /// What does not match.
        reason: String,
    },
    /// A chunk size of zero along an axis of non-zero length.
    #[error("chunk size 0 on axis {axis} of shape {}", Shape(.shape))]
    ZeroChunk {
        /// The axis.
        axis: usize,
        /// The array's shape.
        shape: Vec<usize>,
    },
    /// Explicit chunks that do not add up to the axis' length, or a chunk
    /// specification for a different number of axes.
    #[error("chunks {chunks} do not fit shape {}: {reason}", Shape(.shape))]
    ChunksDoNotFit {
        /// The chunks as given.
        chunks: String,
        /// The array's shape.
        shape: Vec<usize>,
        /// What does not fit.
        reason: String,
    },
    /// An axis beyond the array's dimensions.
    #[error("axis {axis} is out of bounds for an array of shape {}", Shape(.shape))]
    AxisOutOfRange {
        /// The axis asked for.
        axis: usize,
        /// The array's shape.
        shape: Vec<usize>,
    },
    /// More than [`crate::MAX_DIMS`] dimensions.
    #[error("shape {} has {} dimensions; at most {} are supported", Shape(.shape), .shape.len(), crate::MAX_DIMS)]
    TooManyDims {
        /// The shape asked for.
        shape: Vec<usize>,
    },
    /// A minimum or maximum over no elements (numpy raises too: these
    /// reductions have no identity).
    #[error("zero-size array to reduction operation {op} which has no identity (shape {}, axes {axes:?})", Shape(.shape))]
    EmptyReduction {
        /// `min` or `max`.
        op: &'static str,
        /// The array's shape.
        shape: Vec<usize>,
        /// The axes reduced.
        axes: Vec<usize>,
    },
    /// An axis named twice where each may appear once (the axes of a
    /// reduction, a permutation of `transpose`).
    #[error("repeated axis {axis} in {op} of an array of shape {}", Shape(.shape))]
    RepeatedAxis {
        /// The operation, e.g. `sum` or `transpose`.
        op: &'static str,
        /// The axis named twice.
        axis: usize,
        /// The array's shape.
        shape: Vec<usize>,
    },
    /// An index that does not fit the array: a step of 0, several
    /// ellipses, more indices than axes.
    #[error("invalid index into an array of shape {}: {reason}", Shape(.shape))]
    InvalidIndex {
        /// The array's shape.
        shape: Vec<usize>,
        /// What is wrong.
        reason: String,
    },
    /// An integer index beyond its axis.
    #[error("index {index} is out of bounds for axis {axis} with size {len}")]
    IndexOutOfRange {
        /// The index as given.
        index: isize,
        /// The axis.
        axis: usize,
        /// The axis' length.
        len: usize,
    },
    /// An `.npy` file that cannot be read or written, or is not one this
    /// crate reads.
    #[error("{}: {reason}", path.display())]
    Npy {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A result larger than the memory budget given to `compute_within`.
    #[error("the result of shape {} takes {} bytes, more than the budget of {budget} bytes: write it with to_npy (or store) instead", Shape(.shape), .shape.iter().try_fold(8usize, |n, &d| n.checked_mul(d)).map_or_else(|| "more than 2^64".to_owned(), |b| b.to_string()))]
    TooLarge {
        /// The result's shape.
        shape: Vec<usize>,
        /// The budget in bytes.
        budget: usize,
    },
    /// A parameter out of its domain (a negative standard deviation, a
    /// non-finite or zero `arange` step, a byte target of zero, a shape
    /// whose number of elements overflows).
    #[error("invalid {name}: {value}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value, as text.
        value: String,
    },
    /// A scalar was asked of an array with dimensions.
    #[error("compute_scalar needs a 0-dimensional array, got shape {}", Shape(.shape))]
    NotScalar {
        /// The array's shape.
        shape: Vec<usize>,
    },
    /// A work unit asked of a [`crate::Distributed`] beyond its units.
    #[error("work unit {unit} does not exist: the plan has {units} work units")]
    UnitOutOfRange {
        /// The unit asked for.
        unit: usize,
        /// How many units the plan has.
        units: usize,
    },
    /// [`crate::Distributed::combine`] was given a different number of
    /// partials than the plan has work units.
    #[error("{got} partials given for a plan of {units} work units")]
    PartialCount {
        /// How many units the plan has.
        units: usize,
        /// How many partials were given.
        got: usize,
    },
    /// A partial given to [`crate::Distributed::combine`] is not the one of
    /// the unit at its position (out of order, or from another plan).
    #[error("partial {position} does not fit the plan: {reason}")]
    PartialMismatch {
        /// Its position in the list given.
        position: usize,
        /// What does not match.
        reason: String,
    },
    /// The executor failed to run the graph.
    #[error(transparent)]
    Exec(#[from] executors::ExecError),
}

/// A shape written as numpy writes it: `(3, 4)`, `(5,)`, `()`.
#[derive(Clone, Copy, Debug)]
pub struct Shape<'a>(pub &'a [usize]);

impl fmt::Display for Shape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str("()"),
            [n] => write!(f, "({n},)"),
            dims => {
                f.write_str("(")?;
                for (i, d) in dims.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{d}")?;
                }
                f.write_str(")")
            }
        }
    }
}
