//! Summaries of trial results: pandas' `describe()` for a list of numbers.

use serde::Serialize;

/// pandas' `Series.describe()`: count, mean, sample standard deviation,
/// min, quartiles by linear interpolation, max. NaN values are left out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Describe {
    /// Number of non-NaN values.
    pub count: usize,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation with one degree of freedom (NaN below 2 values).
    pub std: f64,
    /// Smallest value.
    pub min: f64,
    /// First quartile.
    pub q25: f64,
    /// Median.
    pub q50: f64,
    /// Third quartile.
    pub q75: f64,
    /// Largest value.
    pub max: f64,
}

impl Describe {
    /// Describes `values`; with no non-NaN value every statistic is NaN.
    ///
    /// ```
    /// let d = queue_sim::Describe::of(&[1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!((d.count, d.mean, d.q25, d.q50, d.max), (4, 2.5, 1.75, 2.5, 4.0));
    /// ```
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            let nan = f64::NAN;
            return Self { count: 0, mean: nan, std: nan, min: nan, q25: nan, q50: nan, q75: nan, max: nan };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let std = if n < 2 {
            f64::NAN
        } else {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        };
        let quantile = |q: f64| {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        Self {
            count: n,
            mean,
            std,
            min: v[0],
            q25: quantile(0.25),
            q50: quantile(0.5),
            q75: quantile(0.75),
            max: v[n - 1],
        }
    }
}
