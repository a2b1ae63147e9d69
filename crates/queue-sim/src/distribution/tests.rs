//! Unit tests of distribution checks, moments and sampling.

use super::*;
use crate::random::Pcg;

/// The sample mean, the sample variance, and the standard error of the
/// sample variance, sqrt((m4 - s^4) / n) with the sample's fourth central
/// moment m4 (its large-sample form).
fn sample_mean_var(d: &Distribution, n: usize) -> (f64, f64, f64) {
    let mut s = Sampler::new(d.clone());
    let mut rng = Pcg::new(11);
    let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
    let m = xs.iter().sum::<f64>() / n as f64;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
    (m, v, ((m4 - v * v) / n as f64).sqrt())
}

#[test]
fn sample_moments_match_reported_moments() {
    let dists = [
        Distribution::Exponential { rate: 2.0 },
        Distribution::Uniform { lower: 1.0, upper: 3.0 },
        Distribution::Triangular { lower: 0.0, mode: 1.0, upper: 4.0 },
        Distribution::Gamma { shape: 2.5, scale: 0.5 },
        Distribution::Gamma { shape: 0.5, scale: 2.0 },
        Distribution::Weibull { scale: 2.0, shape: 1.5 },
        Distribution::Normal { mean: 1.0, sd: 1.0 },
        Distribution::Lognormal { mean: 0.0, sd: 0.5 },
        Distribution::Erlang { rate: 3.0, phases: 4 },
        Distribution::HyperExponential { rates: vec![1.0, 5.0], probs: vec![0.3, 0.7] },
        Distribution::Empirical { observations: vec![1.0, 2.0, 2.0, 7.0] },
        Distribution::Pmf { values: vec![1.0, 4.0], probs: vec![0.25, 0.75] },
    ];
    let n = 400_000;
    for d in &dists {
        let (m, v, se_var) = sample_mean_var(d, n);
        let mean = d.mean().unwrap();
        let var = d.variance().unwrap();
        // Each within five standard errors (the seed is fixed: no flakes).
        let se = (var / n as f64).sqrt();
        assert!((m - mean).abs() < 5.0 * se, "{d:?}: sample mean {m}, expected {mean}");
        assert!(se_var > 0.0 && se_var < 0.02 * var, "{d:?}: standard error {se_var} of the variance {var}");
        assert!((v - var).abs() < 5.0 * se_var, "{d:?}: sample variance {v}, expected {var}, se {se_var}");
    }
}

#[test]
fn sequential_cycles_and_deterministic_is_constant() {
    let mut s = Sampler::new(Distribution::Sequential { values: vec![1.0, 2.0, 3.0] });
    let mut rng = Pcg::new(0);
    let got: Vec<f64> = (0..7).map(|_| s.sample(&mut rng)).collect();
    assert_eq!(got, [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0]);
    let mut d = Sampler::new(Distribution::deterministic(2.5));
    assert_eq!(d.sample(&mut rng), 2.5);
    assert_eq!(Distribution::deterministic(2.5).variance(), Some(0.0));
}

#[test]
fn truncated_normal_is_positive_with_truncated_moments() {
    let d = Distribution::Normal { mean: 0.5, sd: 1.0 };
    let mut s = Sampler::new(d.clone());
    let mut rng = Pcg::new(3);
    assert!((0..10_000).all(|_| s.sample(&mut rng) > 0.0));
    // The truncated mean exceeds the untruncated one.
    assert!(d.mean().unwrap() > 0.5);
}

#[test]
fn bad_parameters_are_named() {
    let cases: [(Distribution, &str); 9] = [
        (Distribution::Exponential { rate: 0.0 }, "`rate` must be positive"),
        (Distribution::Exponential { rate: f64::NAN }, "`rate` must be finite"),
        (Distribution::Exponential { rate: f64::INFINITY }, "`rate` must be finite"),
        (Distribution::Uniform { lower: 2.0, upper: 1.0 }, "lower <= upper"),
        (Distribution::Triangular { lower: 0.0, mode: 5.0, upper: 1.0 }, "lower <= mode <= upper"),
        (Distribution::Erlang { rate: 1.0, phases: 0 }, "`phases` must be positive"),
        (Distribution::Pmf { values: vec![1.0], probs: vec![0.5] }, "must sum to 1"),
        (Distribution::Empirical { observations: vec![] }, "must not be empty"),
        (Distribution::Normal { mean: -10.0, sd: 1.0 }, "almost never positive"),
    ];
    for (d, msg) in cases {
        let err = d.validate().unwrap_err().to_string();
        assert!(err.contains(msg), "{d:?}: {err}");
    }
}

#[test]
fn custom_distributions_draw_through_the_source() {
    #[derive(Debug)]
    struct Twice;
    impl TimeDistribution for Twice {
        fn sample(&self, rng: &mut dyn RandomSource) -> f64 {
            2.0 * rng.uniform01()
        }
        fn mean(&self) -> Option<f64> {
            Some(1.0)
        }
    }
    let d = Distribution::custom(Twice);
    assert_eq!(d.mean(), Some(1.0));
    assert_eq!(d.variance(), None);
    let mut a = Sampler::new(d.clone());
    let mut b = Pcg::new(5);
    let mut c = Pcg::new(5);
    assert_eq!(a.sample(&mut b), 2.0 * c.uniform01());
}
