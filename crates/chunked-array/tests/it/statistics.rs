//! The generators checked statistically with fixed seeds: sample mean and
//! variance within 5 standard errors (fixed seeds make the checks exact, so
//! they never flake), and Kolmogorov-Smirnov against statrs's CDFs at the
//! 0.1% critical value.

use chunked_array::random;
use executors::Executor;
use statrs::distribution::{ContinuousCDF, Normal, Uniform};

const N: usize = 200_000;

fn draws(a: chunked_array::Array) -> Vec<f64> {
    let mut v = a.compute(&Executor::sequential()).unwrap().into_raw_vec_and_offset().0;
    v.sort_by(f64::total_cmp);
    v
}

/// The Kolmogorov-Smirnov statistic of sorted draws against a CDF.
fn ks(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    sorted.iter().enumerate().fold(0.0f64, |d, (i, &x)| {
        let f = cdf(x);
        d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs())
    })
}

/// The KS critical value at level 0.001 for large n: 1.9495 / sqrt(n).
fn ks_critical(n: usize) -> f64 {
    1.9495 / (n as f64).sqrt()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (mean, x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0))
}

#[test]
fn standard_normal_has_the_right_moments_and_distribution() {
    for seed in [0, 1, 42] {
        let x = draws(random::standard_normal(seed, &[400, N / 400], 100).unwrap());
        let (mean, var) = mean_var(&x);
        let n = x.len() as f64;
        // Standard errors: 1/sqrt(n) for the mean, sqrt(2/(n-1)) for the variance.
        assert!(mean.abs() < 5.0 / n.sqrt(), "seed {seed}: mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / (n - 1.0)).sqrt(), "seed {seed}: var {var}");
        let normal = Normal::new(0.0, 1.0).unwrap();
        let d = ks(&x, |v| normal.cdf(v));
        assert!(d < ks_critical(x.len()), "seed {seed}: KS {d}");
        // Tails are drawn too (the ziggurat's tail and wedges).
        let beyond3 = x.iter().filter(|v| v.abs() > 3.0).count() as f64 / n;
        assert!((beyond3 - 0.0026998).abs() < 5.0 * (0.0027 / n).sqrt(), "seed {seed}: {beyond3}");
    }
}

#[test]
fn normal_with_parameters() {
    let x = draws(random::normal(7, -3.0, 2.5, &[N], 50_000).unwrap());
    let (mean, var) = mean_var(&x);
    let n = x.len() as f64;
    assert!((mean + 3.0).abs() < 5.0 * 2.5 / n.sqrt());
    assert!((var - 6.25).abs() < 5.0 * 6.25 * (2.0 / (n - 1.0)).sqrt());
    let normal = Normal::new(-3.0, 2.5).unwrap();
    assert!(ks(&x, |v| normal.cdf(v)) < ks_critical(x.len()));
}

#[test]
fn uniform_has_the_right_distribution() {
    let x = draws(random::uniform(3, 2.0, 5.0, &[N], 10_000).unwrap());
    assert!(x.iter().all(|v| (2.0..5.0).contains(v)));
    let uniform = Uniform::new(2.0, 5.0).unwrap();
    assert!(ks(&x, |v| uniform.cdf(v)) < ks_critical(x.len()));
}

#[test]
fn neighbouring_elements_are_uncorrelated() {
    // Lag-1 and row-to-row correlations within 5 standard errors of 0.
    let a = random::standard_normal(11, &[400, 500], 100).unwrap();
    let x = a.compute(&Executor::sequential()).unwrap();
    let flat = x.as_slice().unwrap();
    let n = flat.len() - 1;
    let lag1: f64 = flat.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / n as f64;
    assert!(lag1.abs() < 5.0 / (n as f64).sqrt(), "lag-1 correlation {lag1}");
    let rows: f64 = (0..399).map(|i| (0..500).map(|j| x[[i, j]] * x[[i + 1, j]]).sum::<f64>()).sum::<f64>()
        / (399.0 * 500.0);
    assert!(rows.abs() < 5.0 / (399.0f64 * 500.0).sqrt(), "row-to-row correlation {rows}");
    // Two seeds are unrelated.
    let y = random::standard_normal(12, &[400, 500], 100).unwrap().compute(&Executor::sequential()).unwrap();
    let cross: f64 = x.iter().zip(y.iter()).map(|(p, q)| p * q).sum::<f64>() / x.len() as f64;
    assert!(cross.abs() < 5.0 / (x.len() as f64).sqrt(), "seed-to-seed correlation {cross}");
}
