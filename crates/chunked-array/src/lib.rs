//! A lazy chunked ndarray after `dask.array`: arrays of `f64` with any
//! number of dimensions (up to [`MAX_DIMS`]) cut into blocks, whose
//! expressions become task graphs run by the [`executors`] crate, with
//! blocks held as [`ndarray`] arrays.
//!
//! - Creation: seeded [`random::normal`], [`random::standard_normal`],
//!   [`random::uniform`], [`random::integers`], [`random::exponential`],
//!   [`random::poisson`], [`random::binomial`], [`random::choice`];
//!   [`zeros`], [`ones`], [`full`], [`arange`]; [`from_array`];
//!   [`from_npy`]. Chunks are explicit or automatic by a byte target
//!   ([`Chunks`], 128 MiB by default as in dask).
//! - Element-wise arithmetic with scalars and arrays, broadcasting as numpy
//!   (shapes aligned on the right, lengths equal or 1); `exp`, `log`,
//!   `log1p`, `expm1`, `sqrt`, `abs`, `clip`, `isnan`, comparisons,
//!   [`where_`], ...
//! - Layout: numpy's basic indexing ([`Array::index`] with [`Index`]:
//!   steps, negative bounds, integers, `newaxis`, ellipsis),
//!   [`concatenate`], [`stack`], [`Array::transpose_axes`],
//!   [`Array::reshape`] (rechunking where blocks do not line up, as dask),
//!   [`Array::squeeze`], [`Array::expand_dims`], [`Array::rechunk`].
//! - Reductions over every axis (`..`), one (`0`; `-1` from the end) or
//!   several (`[0, 2]`), see [`Axes`]: `sum`, `mean`, `var` and `std`
//!   (ddof 0 as numpy; `var_ddof`, `std_ddof`), `min`, `max`, `prod`,
//!   their `nan*` versions, `quantile`/`percentile` (exact);
//!   `argmin`/`argmax`; `cumsum`/`cumprod` along an axis or flattened;
//!   `any`, `all`, `count_nonzero`; numpy's `keepdims=True` is
//!   [`Axes::keepdims`]. Pairwise sums within blocks, Chan et al.'s merge
//!   of partial moments, tree-reduced across blocks.
//! - [`Array::map_blocks`] and [`blockwise`]: functions of whole blocks.
//! - Results beyond memory: [`Array::to_npy`] and [`Array::store`] (a
//!   [`BlockWriter`]) write block by block; [`Array::compute_within`]
//!   refuses a result over a memory budget; [`Array::persist`] keeps a
//!   computed array's blocks for later computations.
//! - [`Array::dot`] / [`Array::matmul`]: matrix-vector, vector-matrix,
//!   matrix-matrix, blockwise.
//! - [`compute`] one or several arrays in one run on any executor
//!   (strategy and worker count change nothing in the result); draw the
//!   graph with [`Plan::to_dot`] or [`Plan::visualize`] (SVG when Graphviz
//!   is installed).
//! - [`Distributed`]: the block work of a computation as independent work
//!   units that run on any process (over MPI, say), with serde partials
//!   combined into the same values as [`compute`]'s, bit for bit.
//!
//! **A seeded random array is a function of the seed alone**: an element
//! depends on the seed and its flat (row-major) index only, the same for every
//! chunking, executor and worker count (see [`random`] for the scheme), and
//! reductions agree across chunkings to rounding.
//!
//! **Evaluation streams and fuses** (see [`Plan`]): the mean and standard
//! deviation of a 10000 x 10000 normal array generate each block once, tile
//! by tile, reduce it to partial moments in the same task and never hold it;
//! the 800 MB array never exists.
//!
//! The talk's cells:
//!
//! ```
//! use chunked_array::{compute, random};
//! use executors::{Executor, Strategy};
//!
//! let exec = Executor::new(Strategy::Graph, 2)?;
//! let array = random::standard_normal(0, &[1000, 1000], 250)?;
//! let values = compute(&[&array.mean(..)?, &array.std(..)?], &exec)?;
//! let (mean, std) = (values[0][[]], values[1][[]]);
//! assert!(mean.abs() < 0.01 && (std - 1.0).abs() < 0.01);
//!
//! // C = A.dot(B).sum() / A.mean() * B.var()
//! let a = random::standard_normal(1, &[1000, 1000], 250)?;
//! let b = random::standard_normal(2, &[1000], 250)?;
//! let c = ((a.dot(&b)?.sum(..)? / a.mean(..)?)? * b.var(..)?)?;
//! let c = c.compute_scalar(&exec)?;
//! assert!(c.is_finite());
//! # Ok::<(), chunked_array::ArrayError>(())
//! ```
//!
//! NaN propagates as in numpy: a NaN makes sums, means, variances, minima
//! and maxima NaN (`min`/`max` are numpy's, not `nanmin`/`nanmax`); the
//! mean and variance of an empty array are NaN; `min`/`max` of an empty
//! array are errors, as numpy raises.

mod argreduce;
mod array;
mod blockwise;
mod chunks;
mod creation;
mod distributed;
mod error;
mod eval;
mod histogram;
mod index;
mod join;
mod kernels;
mod layout;
mod logic;
mod nanreduce;
mod node;
mod npy;
mod ops;
mod plan;
mod quantile;
pub mod random;
mod reduce;
mod region;
mod reshape;
mod scan;
mod store;
mod stream;
mod ufuncs;
mod writer;

use std::path::Path;

use executors::{Drawing, Executor, RankDir};
use ndarray::ArrayD;

pub use array::{Array, MAX_DIMS};
pub use blockwise::blockwise;
pub use chunks::{Chunks, DEFAULT_CHUNK_BYTES, MAX_BLOCKS};
pub use creation::{arange, from_array, full, ones, zeros};
pub use distributed::{Distributed, UnitPartial};
pub use error::{ArrayError, Shape};
pub use histogram::{Bins, Histogram};
pub use index::Index;
pub use join::{concatenate, stack};
pub use node::BlockFn;
pub use npy::from_npy;
pub use plan::Plan;
pub use reduce::Axes;
pub use ufuncs::where_;
pub use writer::BlockWriter;

/// Computes several arrays in one run (dask's `compute(a, b)`): what they
/// share is computed once. Results come in the order given.
pub fn compute(arrays: &[&Array], exec: &Executor) -> Result<Vec<ArrayD<f64>>, ArrayError> {
    Plan::new(arrays).compute(exec)
}

/// Computes several 0-dimensional arrays in one run and returns their
/// values (an error names the first array that has dimensions).
pub fn compute_scalars(arrays: &[&Array], exec: &Executor) -> Result<Vec<f64>, ArrayError> {
    if let Some(a) = arrays.iter().find(|a| a.ndim() != 0) {
        return Err(ArrayError::NotScalar { shape: a.shape().to_vec() });
    }
    Ok(scalars(compute(arrays, exec)?))
}

/// The values of computed 0-dimensional arrays.
fn scalars(values: Vec<ArrayD<f64>>) -> Vec<f64> {
    values.into_iter().map(|v| v.first().copied().unwrap_or(f64::NAN)).collect()
}

/// The graph of several arrays in Graphviz's DOT language.
pub fn to_dot(arrays: &[&Array], rankdir: RankDir) -> String {
    Plan::new(arrays).to_dot(rankdir)
}

/// Draws the graph of several arrays to `<stem>.dot` and, when Graphviz is
/// installed, `<stem>.svg` (dask's `visualize`).
pub fn visualize(arrays: &[&Array], rankdir: RankDir, stem: &Path) -> std::io::Result<Drawing> {
    Plan::new(arrays).visualize(rankdir, stem)
}
