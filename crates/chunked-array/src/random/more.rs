//! More seeded generators, with the same guarantee as `normal` and
//! `uniform`: element `i` depends on the seed and `i` alone. Each element
//! runs rand / rand_distr's sampler on its own counter-based generator
//! (first word from the element's index, then secondary words), so
//! rejection samplers stay exact.

use std::sync::Arc;

use crate::array::{Array, Op};
use crate::chunks::Chunks;
use crate::error::ArrayError;
use crate::stream::{Dist, Stream};

/// The largest magnitude of an integer that `f64` holds exactly.
const EXACT: i64 = 1 << 53;

fn invalid(name: &'static str, value: String) -> ArrayError {
    ArrayError::InvalidParameter { name, value }
}

fn array(
    seed: u64,
    dist: Dist,
    name: &'static str,
    shape: &[usize],
    chunks: Chunks,
) -> Result<Array, ArrayError> {
    Array::source(shape, chunks, Op::Random { stream: Stream::new(seed, dist), name })
}

/// Uniform integers in `[low, high)` (numpy's `Generator.integers`), as
/// `f64`; both bounds within ±2^53 so that every value is exact.
///
/// ```
/// use executors::Executor;
/// let dice = chunked_array::random::integers(7, 1, 7, &[1000], 100)?;
/// let v = dice.compute(&Executor::sequential())?;
/// assert!(v.iter().all(|&x| (1.0..=6.0).contains(&x) && x.fract() == 0.0));
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn integers(
    seed: u64,
    low: i64,
    high: i64,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if low >= high || low < -EXACT || high > EXACT {
        return Err(invalid("integers bounds", format!("[{low}, {high}) must be non-empty within ±2^53")));
    }
    let u = rand::distr::Uniform::new(low, high).map_err(|e| invalid("integers bounds", e.to_string()))?;
    array(seed, Dist::Integers(u), "integers", shape, chunks.into())
}

/// Exponential draws with mean `scale` (numpy's `exponential(scale)`).
pub fn exponential(
    seed: u64,
    scale: f64,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if !(scale.is_finite() && scale >= 0.0) {
        return Err(invalid("exponential scale", scale.to_string()));
    }
    array(seed, Dist::Exponential(scale), "exponential", shape, chunks.into())
}

/// Poisson draws with mean `lam` (numpy's `poisson(lam)`), as `f64`.
pub fn poisson(seed: u64, lam: f64, shape: &[usize], chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    // rand_distr refuses 0; numpy allows it (every draw is 0).
    if lam == 0.0 {
        return array(
            seed,
            Dist::Choice { values: Arc::from([0.0]), cdf: None },
            "poisson",
            shape,
            chunks.into(),
        );
    }
    let p = rand_distr::Poisson::new(lam).map_err(|e| invalid("poisson mean", format!("{lam}: {e}")))?;
    array(seed, Dist::Poisson(p), "poisson", shape, chunks.into())
}

/// Binomial draws: successes in `n` trials of probability `p` (numpy's
/// `binomial(n, p)`), as `f64`.
pub fn binomial(
    seed: u64,
    n: u64,
    p: f64,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if n > EXACT as u64 {
        return Err(invalid("binomial trials", format!("{n} is beyond 2^53")));
    }
    let b =
        rand_distr::Binomial::new(n, p).map_err(|e| invalid("binomial probability", format!("{p}: {e}")))?;
    array(seed, Dist::Binomial(b), "binomial", shape, chunks.into())
}

/// Draws from `values` with replacement (numpy's `choice(values, p=...)`):
/// uniformly when `p` is `None`, else with the given probabilities (one
/// per value, non-negative, adding up to 1 within 1e-8).
pub fn choice(
    seed: u64,
    values: &[f64],
    p: Option<&[f64]>,
    shape: &[usize],
    chunks: impl Into<Chunks>,
) -> Result<Array, ArrayError> {
    if values.is_empty() {
        return Err(invalid("choice values", "an empty list to choose from".into()));
    }
    let cdf = match p {
        None => None,
        Some(p) => {
            if p.len() != values.len() {
                return Err(invalid(
                    "choice probabilities",
                    format!("{} for {} values", p.len(), values.len()),
                ));
            }
            if let Some(bad) = p.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(invalid("choice probabilities", format!("{bad} is not a probability")));
            }
            let total: f64 = p.iter().sum();
            if (total - 1.0).abs() > 1e-8 {
                return Err(invalid("choice probabilities", format!("they add up to {total}, not 1")));
            }
            let mut acc = 0.0;
            let cdf: Vec<f64> = p
                .iter()
                .map(|x| {
                    acc += x / total;
                    acc
                })
                .collect();
            Some(Arc::from(cdf))
        }
    };
    array(seed, Dist::Choice { values: Arc::from(values), cdf }, "choice", shape, chunks.into())
}
