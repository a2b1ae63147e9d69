//! What can be wrong with a distribution's parameters, and the checks that
//! find it.

/// What is wrong with a distribution's parameters.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParameterError {
    /// A parameter is NaN or infinite.
    #[error("parameter `{name}` must be finite, got {value}")]
    NotFinite {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter that must be positive is not.
    #[error("parameter `{name}` must be positive, got {value}")]
    NotPositive {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter that must be non-negative is negative.
    #[error("parameter `{name}` must be non-negative, got {value}")]
    Negative {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// Parameters that must be ordered are not.
    #[error("parameters must satisfy {relation}")]
    Order {
        /// The relation that fails, e.g. `lower <= mode <= upper`.
        relation: &'static str,
    },
    /// A list that must not be empty is empty.
    #[error("parameter `{name}` must not be empty")]
    Empty {
        /// The parameter's name.
        name: &'static str,
    },
    /// Two lists that must have the same length do not.
    #[error("`{a}` has {a_len} entries but `{b}` has {b_len}")]
    LengthMismatch {
        /// First list.
        a: &'static str,
        /// Its length.
        a_len: usize,
        /// Second list.
        b: &'static str,
        /// Its length.
        b_len: usize,
    },
    /// Probabilities do not sum to 1.
    #[error("parameter `{name}` must sum to 1, sums to {sum}")]
    NotNormalised {
        /// The parameter's name.
        name: &'static str,
        /// The sum.
        sum: f64,
    },
    /// A parameter above the largest value the sampler handles.
    #[error("parameter `{name}` must be at most {max:e}, got {value:e}")]
    TooLarge {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The largest value allowed.
        max: f64,
    },
    /// A truncated normal whose mass above 0 is too small to sample.
    #[error("normal with mean {mean} and sd {sd} is almost never positive (truncation at 0 would never end)")]
    HopelessTruncation {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// A list shorter than it must be.
    #[error("parameter `{name}` must have at least {min} entries, has {len}")]
    TooShort {
        /// The parameter's name.
        name: &'static str,
        /// Its length.
        len: usize,
        /// The least length allowed.
        min: usize,
    },
    /// A parameter outside the range it must lie in.
    #[error("parameter `{name}` must be in {range}, got {value}")]
    OutOfRange {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The allowed range, e.g. `[0, 1]`.
        range: &'static str,
    },
    /// A Coxian whose last phase may be left for another phase: its last
    /// probability of absorption must be 1.
    #[error("the last entry of `probs` must be 1 (the last phase always ends), got {value}")]
    LastNotCertain {
        /// The last probability.
        value: f64,
    },
    /// A row of a matrix with the wrong number of entries.
    #[error("row {row} of `{name}` has {len} entries, expected {expected}")]
    MatrixShape {
        /// The matrix's name.
        name: &'static str,
        /// The row (from 0).
        row: usize,
        /// Its number of entries.
        len: usize,
        /// The number expected: the number of states.
        expected: usize,
    },
    /// A row of a phase-type generator that does not sum to 0.
    #[error("row {row} of `absorbing_matrix` must sum to 0, sums to {sum}")]
    RowSum {
        /// The row (from 0).
        row: usize,
        /// Its sum.
        sum: f64,
    },
    /// A phase-type generator whose last row, the absorbing state's, is not
    /// all zeros.
    #[error(
        "the last row of `absorbing_matrix` (the absorbing state) must be all zeros, has {value} in column {column}"
    )]
    NotAbsorbing {
        /// The column (from 0).
        column: usize,
        /// The entry there.
        value: f64,
    },
    /// A phase-type state from which the absorbing state cannot be reached:
    /// a draw that enters it would never end.
    #[error("state {state} of `absorbing_matrix` can never reach the absorbing state (the last)")]
    NeverAbsorbed {
        /// The state (from 0).
        state: usize,
    },
    /// A [`crate::Distribution::PoissonIntervals`] anywhere but as a class's
    /// arrival distribution at a node: its dates are drawn when the
    /// simulation is built, as Ciw draws them when the distribution is made.
    #[error(
        "poisson_intervals can only be a class's arrival distribution at a node (its arrival dates are drawn \
         when the simulation is built), not part of another distribution or a service, patience or batch distribution"
    )]
    ArrivalsOnly,
    /// A [`crate::Distribution::PoissonIntervals`] whose arrival dates would
    /// not fit in memory: too many intervals or too many expected dates.
    #[error(
        "poisson_intervals up to max_sample_date would hold about {count:e} {what}, more than the {max:e} allowed"
    )]
    TooManyDates {
        /// `"intervals"` or `"arrival dates"`.
        what: &'static str,
        /// How many (an estimate for the dates).
        count: f64,
        /// The most allowed.
        max: f64,
    },
    /// A component of a mixture or combination with bad parameters.
    #[error("in `{name}`{}: {problem}", index.map(|i| format!("[{i}]")).unwrap_or_default())]
    Part {
        /// `dists`, `first` or `second`.
        name: &'static str,
        /// The position in `dists`; none for `first` and `second`.
        index: Option<usize>,
        /// What is wrong with it.
        problem: Box<ParameterError>,
    },
}

pub(super) fn finite(name: &'static str, value: f64) -> Result<f64, ParameterError> {
    if value.is_finite() { Ok(value) } else { Err(ParameterError::NotFinite { name, value }) }
}

pub(super) fn positive(name: &'static str, value: f64) -> Result<(), ParameterError> {
    if finite(name, value)? > 0.0 { Ok(()) } else { Err(ParameterError::NotPositive { name, value }) }
}

pub(super) fn non_negative(name: &'static str, value: f64) -> Result<(), ParameterError> {
    if finite(name, value)? >= 0.0 { Ok(()) } else { Err(ParameterError::Negative { name, value }) }
}

/// Non-negative, `+inf` allowed (NaN is not).
pub(super) fn non_negative_or_inf(name: &'static str, value: f64) -> Result<(), ParameterError> {
    if value == f64::INFINITY { Ok(()) } else { non_negative(name, value) }
}

/// Non-empty, each value non-negative or `+inf`.
pub(super) fn all_non_negative_or_inf(name: &'static str, values: &[f64]) -> Result<(), ParameterError> {
    if values.is_empty() {
        return Err(ParameterError::Empty { name });
    }
    values.iter().try_for_each(|&v| non_negative_or_inf(name, v))
}

/// Non-empty, each value non-negative and finite.
pub(super) fn all_non_negative(name: &'static str, values: &[f64]) -> Result<(), ParameterError> {
    if values.is_empty() {
        return Err(ParameterError::Empty { name });
    }
    values.iter().try_for_each(|&v| non_negative(name, v))
}

/// Probabilities of a list of `values_len` values: as many, each in
/// `[0, 1]`, summing to 1.
pub(super) fn probabilities(
    values_name: &'static str,
    values_len: usize,
    probs: &[f64],
) -> Result<(), ParameterError> {
    if probs.len() != values_len {
        return Err(ParameterError::LengthMismatch {
            a: values_name,
            a_len: values_len,
            b: "probs",
            b_len: probs.len(),
        });
    }
    normalised("probs", probs)
}

/// A probability vector: non-empty, each entry finite and non-negative, the
/// entries summing to 1 (within 1e-9).
pub(super) fn normalised(name: &'static str, probs: &[f64]) -> Result<(), ParameterError> {
    all_non_negative(name, probs)?;
    let sum: f64 = probs.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(ParameterError::NotNormalised { name, sum });
    }
    Ok(())
}

/// A probability: finite, in `[0, 1]`.
pub(super) fn probability(name: &'static str, value: f64) -> Result<(), ParameterError> {
    if (0.0..=1.0).contains(&finite(name, value)?) {
        Ok(())
    } else {
        Err(ParameterError::OutOfRange { name, value, range: "[0, 1]" })
    }
}
