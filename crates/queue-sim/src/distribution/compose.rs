//! Distributions built from others: Ciw's `MixtureDistribution` and
//! `CombinedDistribution` (`d1 + d2`, ...): their checks and moments.

use serde::{Deserialize, Serialize};

use super::Distribution;
use super::check::{ParameterError, probabilities};

/// How a [`Distribution::Combined`] combines its two draws, as Ciw's
/// operators on distributions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CombineOp {
    /// `first + second` (Ciw's `d1 + d2`).
    Add,
    /// `first - second` (`d1 - d2`).
    Sub,
    /// `first * second` (`d1 * d2`).
    Mul,
    /// `first / second` (`d1 / d2`); a second draw of 0 is an invalid
    /// sample (NaN), as in Ciw, where Python raises `ZeroDivisionError`.
    Div,
}

impl CombineOp {
    /// The combination of two draws.
    #[inline]
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            Self::Add => a + b,
            Self::Sub => a - b,
            Self::Mul => a * b,
            Self::Div if b == 0.0 => f64::NAN,
            Self::Div => a / b,
        }
    }
}

/// Checks a mixture: as many probabilities as components, summing to 1,
/// every component valid.
pub(super) fn check_mixture(dists: &[Distribution], probs: &[f64]) -> Result<(), ParameterError> {
    if dists.is_empty() {
        return Err(ParameterError::Empty { name: "dists" });
    }
    probabilities("dists", dists.len(), probs)?;
    for (index, d) in dists.iter().enumerate() {
        part_allowed(d).and_then(|()| d.validate()).map_err(|problem| ParameterError::Part {
            name: "dists",
            index: Some(index),
            problem: Box::new(problem),
        })?;
    }
    Ok(())
}

/// Checks both parts of a combination.
pub(super) fn check_combined(first: &Distribution, second: &Distribution) -> Result<(), ParameterError> {
    for (name, d) in [("first", first), ("second", second)] {
        part_allowed(d).and_then(|()| d.validate()).map_err(|problem| ParameterError::Part {
            name,
            index: None,
            problem: Box::new(problem),
        })?;
    }
    Ok(())
}

/// A distribution drawn when the simulation is built cannot be part of
/// another.
fn part_allowed(d: &Distribution) -> Result<(), ParameterError> {
    match d {
        Distribution::PoissonIntervals { .. } => Err(ParameterError::ArrivalsOnly),
        _ => Ok(()),
    }
}

/// Mean and variance of a mixture, Ciw's formulas: `sum p m` and
/// `max(sum p (v + m^2) - mean^2, 0)`; components of weight 0 are left out.
pub(super) fn mixture_moments(dists: &[Distribution], probs: &[f64]) -> Option<(f64, f64)> {
    let (mut mean, mut second) = (0.0, 0.0);
    for (d, &p) in dists.iter().zip(probs).filter(|(_, p)| **p > 0.0) {
        let m = d.mean()?;
        mean += p * m;
        second += p * (d.variance()? + m * m);
    }
    Some((mean, (second - mean * mean).max(0.0)))
}

/// Mean and variance of a combination of independent draws: Ciw's exact
/// formulas for `+`, `-` and `*`. For `/` Ciw reports the delta-method
/// approximation; it is exact only when the divisor is constant, and only
/// then are moments given here.
pub(super) fn combined_moments(
    op: CombineOp,
    first: &Distribution,
    second: &Distribution,
) -> Option<(f64, f64)> {
    let (m1, v1) = (first.mean()?, first.variance()?);
    let (m2, v2) = (second.mean()?, second.variance()?);
    Some(match op {
        CombineOp::Add => (m1 + m2, v1 + v2),
        CombineOp::Sub => (m1 - m2, v1 + v2),
        CombineOp::Mul => (m1 * m2, v1 * v2 + m2 * m2 * v1 + m1 * m1 * v2),
        CombineOp::Div if v2 == 0.0 && m2 != 0.0 => (m1 / m2, v1 / (m2 * m2)),
        CombineOp::Div => return None,
    })
}

/// Whether every draw of a combination is 0 (or invalid).
pub(super) fn combined_always_zero(op: CombineOp, first: &Distribution, second: &Distribution) -> bool {
    match op {
        CombineOp::Add => first.always_zero() && second.always_zero(),
        // 0 minus a draw is 0 or negative (invalid); 0 divided is 0 or NaN.
        CombineOp::Sub | CombineOp::Div => first.always_zero(),
        CombineOp::Mul => first.always_zero() || second.always_zero(),
    }
}
