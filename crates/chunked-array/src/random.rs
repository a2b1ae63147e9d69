//! Counter-based random numbers: element `i` of a seeded array is a function
//! of the seed and `i` alone, so it is the same for every chunking, executor
//! and worker count.
//!
//! The scheme, fixed (a change alters every seeded array):
//! - A stream key per (seed, distribution): `key = mix64(seed ^ DOMAIN)`,
//!   with a constant per distribution, so that a normal and a uniform array
//!   of one seed are unrelated.
//! - The word of element `i` (its flat row-major index in the whole array)
//!   is output `i` of the SplitMix64 generator started at `key`:
//!   `w = mix64(key + (i + 1) * 0x9E3779B97F4A7C15)`, where `mix64` is
//!   SplitMix64's finalizer (Stafford's Mix13).
//! - A standard normal draw is rand_distr's ziggurat `StandardNormal`
//!   (exact) run on a per-element generator whose first output is `w`; the
//!   rare draws that need more words (about 1.2%: the wedges and the tail)
//!   continue with `fmix64(w ^ C + k * 0x9E3779B97F4A7C15)`, `k = 1, 2, ...`
//!   (MurmurHash3's finalizer, a different mixer, so these words never
//!   coincide with another element's first word by construction).
//!   `Normal(mean, sd)` is `mean + sd * z`.
//! - A uniform draw is `low + (high - low) * u` with `u = (w >> 11) * 2^-53`
//!   in `[0, 1)`, as numpy's.

use crate::array::{Array, Op};
use crate::chunks::Chunks;
use crate::error::ArrayError;
use crate::stream::{Dist, Stream};

/// A seeded array of normal draws with mean `mean` and standard deviation
/// `sd` (dask's `RandomState(seed).normal(mean, sd, size=shape, chunks=...)`);
/// its values depend on `seed` and the element's index only, never on the
/// chunks, the executor or the worker count.
///
/// ```
/// use chunked_array::random;
/// use executors::Executor;
/// let a = random::normal(0, 1.0, 2.0, &[6, 4], 3)?;
/// let b = random::normal(0, 1.0, 2.0, &[6, 4], [2, 4])?;
/// let exec = Executor::sequential();
/// assert_eq!(a.compute(&exec)?, b.compute(&exec)?);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn normal(
    seed: u64,
    mean: f64,
    sd: f64,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if sd.is_nan() || sd < 0.0 {
        return Err(ArrayError::InvalidParameter { name: "standard deviation", value: sd.to_string() });
    }
    let stream = Stream::new(seed, Dist::Normal { mean, sd });
    Array::source(shape, chunks.into(), Op::Random { stream, name: "normal" })
}

/// A seeded array of standard normal draws (mean 0, standard deviation 1).
pub fn standard_normal(seed: u64, shape: &[usize], chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    normal(seed, 0.0, 1.0, shape, chunks)
}

/// A seeded array of uniform draws on `[low, high)`, `low + (high - low) * u`
/// as numpy computes them (`high < low` draws from `(high, low]`, as
/// numpy); an error unless both bounds and their distance are finite
/// (numpy raises `OverflowError` there).
pub fn uniform(
    seed: u64,
    low: f64,
    high: f64,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if !(high - low).is_finite() {
        return Err(ArrayError::InvalidParameter {
            name: "uniform bounds",
            value: format!("[{low}, {high}): the bounds and their distance must be finite"),
        });
    }
    let stream = Stream::new(seed, Dist::Uniform { low, high });
    Array::source(shape, chunks.into(), Op::Random { stream, name: "uniform" })
}

mod more;

pub use more::{binomial, choice, exponential, integers, poisson};
