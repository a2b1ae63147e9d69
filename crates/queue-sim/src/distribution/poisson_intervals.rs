//! Ciw's `PoissonIntervals`: arrivals of a Poisson process whose rate is
//! constant within each interval of a repeating cycle, drawn once, when the
//! simulation is built (Ciw draws them when the distribution is made), and
//! then served as a [`Distribution::Sequential`](super::Distribution) of
//! inter-arrival times ending in `inf`.
//!
//! The draws follow Ciw 3.2.7's `PoissonIntervals.get_intervals` and
//! `get_dates`: the intervals of the cycle laid end to end up to
//! `max_sample_date` (the first, `(0, endpoints[0])`, is never clipped), and
//! per interval a Poisson count of mean `rate * width` (Ciw's numpy stream
//! in Ciw mode; numpy's `poisson(0)` draws nothing, nor does this) and that
//! many uniform dates in the interval (Python's stream), sorted.

use super::check::{non_negative, positive};
use super::{Distribution, ParameterError};
use crate::random::RandomSource;

const MAX_INTERVALS: f64 = Distribution::MAX_POISSON_INTERVALS;
const MAX_DATES: f64 = Distribution::MAX_POISSON_INTERVAL_DATES;

/// Checks the parameters as Ciw does (rates non-negative, endpoints
/// positive and strictly increasing, as many rates as endpoints, a positive
/// `max_sample_date`), and that the dates fit in memory.
pub(super) fn check(rates: &[f64], endpoints: &[f64], max_sample_date: f64) -> Result<(), ParameterError> {
    if rates.is_empty() {
        return Err(ParameterError::Empty { name: "rates" });
    }
    if rates.len() != endpoints.len() {
        return Err(ParameterError::LengthMismatch {
            a: "rates",
            a_len: rates.len(),
            b: "endpoints",
            b_len: endpoints.len(),
        });
    }
    rates.iter().try_for_each(|&r| non_negative("rates", r))?;
    endpoints.iter().try_for_each(|&e| positive("endpoints", e))?;
    if endpoints.windows(2).any(|w| w[1] <= w[0]) {
        return Err(ParameterError::Order { relation: "endpoints strictly increasing" });
    }
    positive("max_sample_date", max_sample_date)?;
    // The cycle's length; a whole cycle of intervals per cycle length up to
    // max_sample_date, and the first interval.
    let cycle = endpoints[endpoints.len() - 1];
    // `as`: a length fits an f64 (rounding is irrelevant to a bound).
    let intervals = (max_sample_date / cycle + 2.0) * endpoints.len() as f64;
    if intervals > MAX_INTERVALS {
        return Err(ParameterError::TooManyDates { what: "intervals", count: intervals, max: MAX_INTERVALS });
    }
    let top = rates.iter().copied().fold(0.0, f64::max);
    let dates = top * max_sample_date.max(endpoints[0]);
    if dates > MAX_DATES {
        return Err(ParameterError::TooManyDates { what: "arrival dates", count: dates, max: MAX_DATES });
    }
    Ok(())
}

/// Arrivals per unit time over a cycle: `sum(rate * width) / cycle`.
pub(super) fn overall_rate(rates: &[f64], endpoints: &[f64]) -> f64 {
    let mut last = 0.0;
    let mut total = 0.0;
    for (r, &e) in rates.iter().zip(endpoints) {
        total += r * (e - last);
        last = e;
    }
    total / last
}

/// The intervals up to `max_sample_date`, as Ciw's `get_intervals` lays
/// them out (same additions, so the same bounds to the bit).
fn intervals(endpoints: &[f64], max_sample_date: f64) -> Vec<(f64, f64)> {
    let k = endpoints.len();
    let mut out = vec![(0.0, endpoints[0])];
    let (mut i, mut t1, mut t2) = (0usize, 0.0f64, 0.0f64);
    while out[out.len() - 1].1 < max_sample_date {
        if i % k == k - 1 {
            t2 = t1 + endpoints[k - 1];
        }
        out.push((t1 + endpoints[i % k], (t2 + endpoints[(i + 1) % k]).min(max_sample_date)));
        i += 1;
        t1 = t2;
    }
    out
}

/// The inter-arrival times: the differences of the sorted dates (from 0),
/// then `inf`. Parameters must have passed [`check`].
pub(super) fn inter_arrivals(
    rates: &[f64],
    endpoints: &[f64],
    max_sample_date: f64,
    rng: &mut dyn RandomSource,
) -> Result<Vec<f64>, ParameterError> {
    let k = rates.len();
    let mut dates = vec![0.0];
    let mut interval_dates = Vec::new();
    for (i, (lower, upper)) in intervals(endpoints, max_sample_date).into_iter().enumerate() {
        let lam = rates[i % k] * (upper - lower);
        let n = if lam == 0.0 { 0.0 } else { rng.poisson(lam) };
        // A count far beyond MAX_DATES has a vanishing chance after `check`;
        // refuse it rather than allocate it.
        if !(n >= 0.0 && n + (dates.len() as f64) <= 2.0 * MAX_DATES) {
            return Err(ParameterError::TooManyDates { what: "arrival dates", count: n, max: MAX_DATES });
        }
        interval_dates.clear();
        // `as`: a whole number in [0, 1e8] converts exactly.
        for _ in 0..n as usize {
            interval_dates.push(rng.uniform(lower, upper));
        }
        interval_dates.sort_by(f64::total_cmp);
        dates.extend_from_slice(&interval_dates);
    }
    let mut gaps: Vec<f64> = dates.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.push(f64::INFINITY);
    Ok(gaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_repeat_the_cycle_and_clip_all_but_the_first_at_the_last_date() {
        assert_eq!(
            intervals(&[1.0, 3.0], 10.0),
            vec![(0.0, 1.0), (1.0, 3.0), (3.0, 4.0), (4.0, 6.0), (6.0, 7.0), (7.0, 9.0), (9.0, 10.0)]
        );
        assert_eq!(intervals(&[2.0], 5.0), vec![(0.0, 2.0), (2.0, 4.0), (4.0, 5.0)]);
        // Ciw never clips the first interval.
        assert_eq!(intervals(&[2.0, 8.0], 1.0), vec![(0.0, 2.0)]);
    }

    #[test]
    fn the_overall_rate_weighs_each_rate_by_its_interval() {
        assert_eq!(overall_rate(&[2.0, 0.0, 1.0], &[1.0, 3.0, 4.0]), 0.75);
    }
}
