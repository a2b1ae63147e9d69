//! Phase-type distributions (Ciw's `PhaseType`, and `Coxian` and
//! `HyperErlang`, which Ciw builds as phase-type): their checks, moments, and
//! the absorbing chain a draw walks, in Ciw's draw order.

use super::check::{ParameterError, finite, normalised, positive, probability};
use super::{Distribution, MAX_ERLANG_PHASES, certain_last};
use crate::random::{RandomSource, running_sums};

/// Checks Ciw's conditions on a phase-type distribution, and that every
/// state can reach the absorbing one (Ciw does not check this; a draw
/// entering such a state would never end).
pub(super) fn check_phase_type(initial_state: &[f64], matrix: &[Vec<f64>]) -> Result<(), ParameterError> {
    if initial_state.len() < 2 {
        // One state is the absorbing one: there would be no phase at all.
        return Err(ParameterError::TooShort { name: "initial_state", len: initial_state.len(), min: 2 });
    }
    let n = initial_state.len();
    if n > Distribution::MAX_PHASE_TYPE_STATES {
        return Err(ParameterError::TooLarge {
            name: "initial_state",
            value: n as f64,
            max: Distribution::MAX_PHASE_TYPE_STATES as f64,
        });
    }
    initial_state.iter().try_for_each(|&p| probability("initial_state", p))?;
    normalised("initial_state", initial_state)?;
    if matrix.len() != n {
        return Err(ParameterError::LengthMismatch {
            a: "initial_state",
            a_len: n,
            b: "absorbing_matrix",
            b_len: matrix.len(),
        });
    }
    for (row, entries) in matrix.iter().enumerate() {
        if entries.len() != n {
            return Err(ParameterError::MatrixShape {
                name: "absorbing_matrix",
                row,
                len: entries.len(),
                expected: n,
            });
        }
        let mut largest: f64 = 1.0;
        for (column, &rate) in entries.iter().enumerate() {
            finite("absorbing_matrix", rate)?;
            if column != row && rate < 0.0 {
                return Err(ParameterError::Negative { name: "absorbing_matrix", value: rate });
            }
            largest = largest.max(rate.abs());
        }
        // Ciw allows 1e-10; relative to the entries, so that rows of large
        // rates may carry their rounding.
        let sum: f64 = entries.iter().sum();
        if sum.abs() > 1e-10 * largest {
            return Err(ParameterError::RowSum { row, sum });
        }
    }
    if let Some((column, &value)) = matrix[n - 1].iter().enumerate().find(|(_, v)| **v != 0.0) {
        return Err(ParameterError::NotAbsorbing { column, value });
    }
    // Which states reach the absorbing one: grow the set backwards.
    let mut reaches = vec![false; n];
    reaches[n - 1] = true;
    let mut grew = true;
    while grew {
        grew = false;
        for state in 0..n - 1 {
            if !reaches[state]
                && matrix[state]
                    .iter()
                    .enumerate()
                    .any(|(to, &rate)| to != state && rate > 0.0 && reaches[to])
            {
                reaches[state] = true;
                grew = true;
            }
        }
    }
    match reaches.iter().position(|&r| !r) {
        Some(state) => Err(ParameterError::NeverAbsorbed { state }),
        None => Ok(()),
    }
}

/// Checks a Coxian: as many rates as probabilities, rates positive,
/// probabilities in `[0, 1]`, the last 1 (as Ciw).
pub(super) fn check_coxian(rates: &[f64], probs: &[f64]) -> Result<(), ParameterError> {
    if rates.is_empty() {
        return Err(ParameterError::Empty { name: "rates" });
    }
    check_phase_count(rates.len())?;
    rates.iter().try_for_each(|&r| positive("rates", r))?;
    if probs.len() != rates.len() {
        return Err(ParameterError::LengthMismatch {
            a: "rates",
            a_len: rates.len(),
            b: "probs",
            b_len: probs.len(),
        });
    }
    probs.iter().try_for_each(|&p| probability("probs", p))?;
    if let Some(&value) = probs.last().filter(|&&p| p != 1.0) {
        return Err(ParameterError::LastNotCertain { value });
    }
    // Rates so small that both exits of a phase round to 0 leave it never.
    match rates.iter().zip(probs).position(|(&r, &p)| (1.0 - p) * r <= 0.0 && p * r <= 0.0) {
        Some(state) => Err(ParameterError::NeverAbsorbed { state }),
        None => Ok(()),
    }
}

/// Checks a hyper-Erlang: three lists of one length, rates positive,
/// probabilities summing to 1, each length at least 1, at most
/// [`MAX_ERLANG_PHASES`] phases in all.
pub(super) fn check_hyper_erlang(
    rates: &[f64],
    probs: &[f64],
    phase_lengths: &[u32],
) -> Result<(), ParameterError> {
    if rates.is_empty() {
        return Err(ParameterError::Empty { name: "rates" });
    }
    rates.iter().try_for_each(|&r| positive("rates", r))?;
    super::check::probabilities("rates", rates.len(), probs)?;
    if phase_lengths.len() != rates.len() {
        return Err(ParameterError::LengthMismatch {
            a: "rates",
            a_len: rates.len(),
            b: "phase_lengths",
            b_len: phase_lengths.len(),
        });
    }
    if phase_lengths.contains(&0) {
        return Err(ParameterError::NotPositive { name: "phase_lengths", value: 0.0 });
    }
    let total: u64 = phase_lengths.iter().map(|&k| u64::from(k)).sum();
    if total > u64::from(MAX_ERLANG_PHASES) {
        return Err(ParameterError::TooLarge {
            name: "phase_lengths",
            value: total as f64,
            max: f64::from(MAX_ERLANG_PHASES),
        });
    }
    Ok(())
}

/// At most [`MAX_ERLANG_PHASES`] phases.
fn check_phase_count(len: usize) -> Result<(), ParameterError> {
    if u64::try_from(len).map_or(true, |l| l > u64::from(MAX_ERLANG_PHASES)) {
        return Err(ParameterError::TooLarge {
            name: "rates",
            value: len as f64,
            max: f64::from(MAX_ERLANG_PHASES),
        });
    }
    Ok(())
}

/// Mean and variance of a checked phase-type distribution: with `T` the
/// generator among the transient states and `a` their initial
/// probabilities, `a (-T)^-1 1` and `2 a (-T)^-2 1 - mean^2`, as Ciw.
pub(super) fn phase_type_moments(initial_state: &[f64], matrix: &[Vec<f64>]) -> (f64, f64) {
    let m = initial_state.len() - 1;
    // -T, row-major.
    let minus_t: Vec<f64> = matrix[..m].iter().flat_map(|row| row[..m].iter().map(|&x| -x)).collect();
    let x = solve(minus_t.clone(), m, vec![1.0; m]);
    let y = solve(minus_t, m, x.clone());
    let dot = |v: &[f64]| initial_state[..m].iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let mean = dot(&x);
    (mean, 2.0 * dot(&y) - mean * mean)
}

/// Solves `a x = b` for a non-singular `n` by `n` matrix `a` (row-major) by
/// Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<f64>, n: usize, mut b: Vec<f64>) -> Vec<f64> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs())).unwrap_or(col);
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        let d = a[col * n + col];
        for row in col + 1..n {
            let f = a[row * n + col] / d;
            if f != 0.0 {
                for k in col..n {
                    a[row * n + k] -= f * a[col * n + k];
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row * n + row];
    }
    x
}

/// Mean and variance of a checked Coxian, from the last phase back: the
/// time left from phase `i` is an exponential with rate `rates[i]`, then,
/// with probability `1 - probs[i]`, the time left from phase `i + 1`.
pub(super) fn coxian_moments(rates: &[f64], probs: &[f64]) -> (f64, f64) {
    let (mut m1, mut m2) = (0.0, 0.0);
    for (&r, &p) in rates.iter().zip(probs).rev() {
        let go_on = 1.0 - p;
        m2 = 2.0 / (r * r) + 2.0 / r * go_on * m1 + go_on * m2;
        m1 = 1.0 / r + go_on * m1;
    }
    (m1, m2 - m1 * m1)
}

/// Mean and variance of a checked hyper-Erlang, Ciw's formulas: `sum p k / r`
/// and `sum p k (k + 1) / r^2 - mean^2`.
pub(super) fn hyper_erlang_moments(rates: &[f64], probs: &[f64], phase_lengths: &[u32]) -> (f64, f64) {
    let terms = || rates.iter().zip(probs).zip(phase_lengths).map(|((&r, &p), &k)| (r, p, f64::from(k)));
    let mean: f64 = terms().map(|(r, p, k)| p * k / r).sum();
    let second: f64 = terms().map(|(r, p, k)| p * (k * (k + 1.0)) / (r * r)).sum();
    (mean, second - mean * mean)
}

/// One transition out of a state: its rate and the state it leads to.
#[derive(Clone, Copy, Debug)]
struct Exit {
    rate: f64,
    to: usize,
}

/// The absorbing chain of a phase-type distribution, laid out for drawing:
/// per transient state, its transitions with positive rates in column order
/// (the entries Ciw's `sample_transition` draws for).
#[derive(Clone, Debug)]
pub(crate) struct PhaseChain {
    /// Running sums of the initial probabilities over all states, the
    /// absorbing one last, as Ciw's `random_choice(states, initial_state)`.
    initial: Vec<f64>,
    /// The absorbing state is certain: `random_choice` draws nothing.
    certain: bool,
    /// Per transient state, where its exits start in `exits`; one more entry
    /// closes the last.
    starts: Vec<usize>,
    /// The exits of every transient state, state by state.
    exits: Vec<Exit>,
    /// Per exit, the running sum of its state's exit rates over their
    /// total: the jump chain of the fast mode.
    exit_sums: Vec<f64>,
    /// Per transient state, the mean time spent in it per visit (`1 /`
    /// total exit rate), for the fast mode.
    hold: Vec<f64>,
}

impl PhaseChain {
    /// The chain of Ciw's `PhaseType(initial_state, absorbing_matrix)`.
    pub(super) fn phase_type(initial_state: &[f64], matrix: &[Vec<f64>]) -> Self {
        let exits = matrix[..matrix.len() - 1].iter().map(|row| {
            row.iter().enumerate().filter(|(_, r)| **r > 0.0).map(|(to, &rate)| Exit { rate, to }).collect()
        });
        Self::build(initial_state, exits)
    }

    /// The chain of Ciw's `Coxian(rates, probs)`: from phase `i`, rate
    /// `(1 - probs[i]) * rates[i]` to phase `i + 1` and `probs[i] *
    /// rates[i]` to absorption (for the last phase only the latter, as
    /// Ciw's assignment to the absorbing column overwrites the former).
    pub(super) fn coxian(rates: &[f64], probs: &[f64]) -> Self {
        let n = rates.len();
        let mut initial = vec![0.0; n + 1];
        initial[0] = 1.0;
        let exits = rates.iter().zip(probs).enumerate().map(|(i, (&r, &p))| {
            let mut row: Vec<Exit> = Vec::with_capacity(2);
            if i + 1 < n {
                row.push(Exit { rate: (1.0 - p) * r, to: i + 1 });
            }
            row.push(Exit { rate: p * r, to: n });
            row.retain(|e| e.rate > 0.0);
            row
        });
        Self::build(&initial, exits)
    }

    /// The chain of Ciw's `HyperErlang(rates, probs, phase_lengths)`: branch
    /// `i` starts with probability `probs[i]` and runs `phase_lengths[i]`
    /// phases of rate `rates[i]` in series.
    pub(super) fn hyper_erlang(rates: &[f64], probs: &[f64], phase_lengths: &[u32]) -> Self {
        let mut initial = Vec::new();
        let mut exits = Vec::new();
        for ((&r, &p), &k) in rates.iter().zip(probs).zip(phase_lengths) {
            for sub in 0..k {
                initial.push(if sub == 0 { p } else { 0.0 });
                // To the next phase of the branch; the last to absorption,
                // whose index is known once every branch is laid out.
                let to = if sub + 1 < k { initial.len() } else { usize::MAX };
                exits.push(vec![Exit { rate: r, to }]);
            }
        }
        let absorbing = initial.len();
        initial.push(0.0);
        for row in &mut exits {
            if row[0].to == usize::MAX {
                row[0].to = absorbing;
            }
        }
        Self::build(&initial, exits.into_iter())
    }

    fn build(initial_state: &[f64], rows: impl Iterator<Item = Vec<Exit>>) -> Self {
        let mut starts = vec![0];
        let mut exits = Vec::new();
        let mut exit_sums = Vec::new();
        let mut hold = Vec::new();
        for row in rows {
            let total: f64 = row.iter().map(|e| e.rate).sum();
            exit_sums.extend(running_sums(&row.iter().map(|e| e.rate / total).collect::<Vec<_>>()));
            exits.extend(row);
            starts.push(exits.len());
            hold.push(1.0 / total);
        }
        Self {
            initial: running_sums(initial_state),
            certain: certain_last(initial_state),
            starts,
            exits,
            exit_sums,
            hold,
        }
    }

    /// One draw. Under Ciw's conventions exactly Ciw's: one uniform for the
    /// starting state (none when the absorbing state is certain), then, per
    /// state visited, one exponential per exit in column order, the
    /// smallest winning (ties to the lower column). Otherwise the same law
    /// drawn faster: per state one exponential for the time there and, where
    /// there is more than one exit, one uniform for the next state.
    #[inline]
    pub(crate) fn sample<R: RandomSource>(&self, rng: &mut R) -> f64 {
        let absorbing = self.initial.len() - 1;
        let mut state = if self.certain { absorbing } else { rng.weighted_index(&self.initial) };
        let ciw = rng.ciw_conventions();
        let mut total = 0.0;
        while state != absorbing {
            let (lo, hi) = (self.starts[state], self.starts[state + 1]);
            let exits = &self.exits[lo..hi];
            if exits.is_empty() {
                // Checked parameters never get here: a state never left.
                return f64::NAN;
            }
            if ciw {
                let mut best = f64::INFINITY;
                let mut next = exits[0].to;
                for e in exits {
                    let t = rng.exponential(e.rate);
                    if t < best {
                        best = t;
                        next = e.to;
                    }
                }
                total += best;
                state = next;
            } else {
                let mean = self.hold[state];
                total += rng.exponential_with_mean(1.0 / mean, mean);
                state = if exits.len() == 1 {
                    exits[0].to
                } else {
                    exits[rng.weighted_index(&self.exit_sums[lo..hi])].to
                };
            }
        }
        total
    }
}
