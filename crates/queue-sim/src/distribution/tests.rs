//! Unit tests of distribution checks, moments and sampling.

use super::*;
use crate::PythonRandom;
use crate::random::Pcg;

/// The sample mean, the sample variance, and the standard error of the
/// sample variance, sqrt((m4 - s^4) / n) with the sample's fourth central
/// moment m4 (its large-sample form).
fn sample_mean_var(d: &Distribution, n: usize) -> (f64, f64, f64) {
    sample_mean_var_with(d, n, &mut Pcg::new(11))
}

/// As [`sample_mean_var`], drawing from `rng`.
fn sample_mean_var_with<R: RandomSource>(d: &Distribution, n: usize, rng: &mut R) -> (f64, f64, f64) {
    let mut s = Sampler::new(d.clone());
    let xs: Vec<f64> = (0..n).map(|_| s.sample(rng)).collect();
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
    for d in &dists {
        assert_moments(d, sample_mean_var(d, 400_000), 400_000);
    }
}

/// Sample moments `(mean, variance, standard error of the variance)` of `n`
/// draws from `d` each within five standard errors of `d`'s reported ones
/// (the seeds are fixed: no flakes).
fn assert_moments(d: &Distribution, (m, v, se_var): (f64, f64, f64), n: usize) {
    let mean = d.mean().unwrap();
    let var = d.variance().unwrap();
    let se = (var / n as f64).sqrt();
    assert!((m - mean).abs() < 5.0 * se, "{d:?}: sample mean {m}, expected {mean}");
    assert!(se_var > 0.0 && se_var < 0.05 * var, "{d:?}: standard error {se_var} of the variance {var}");
    assert!((v - var).abs() < 5.0 * se_var, "{d:?}: sample variance {v}, expected {var}, se {se_var}");
}

/// A phase-type with several exits per state, a return to an earlier
/// state, and a start in the absorbing state with probability 0.1.
fn branching_phase_type() -> Distribution {
    Distribution::PhaseType {
        initial_state: vec![0.4, 0.3, 0.2, 0.0, 0.1],
        absorbing_matrix: vec![
            vec![-3.5, 2.0, 1.0, 0.0, 0.5],
            vec![1.0, -4.0, 0.0, 0.0, 3.0],
            vec![0.0, 0.0, -6.0, 2.0, 4.0],
            vec![0.0, 0.0, 0.0, -5.0, 5.0],
            vec![0.0; 5],
        ],
    }
}

fn phase_type_family() -> [Distribution; 5] {
    [
        branching_phase_type(),
        Distribution::Coxian { rates: vec![3.0, 5.0, 2.0], probs: vec![0.4, 0.0, 1.0] },
        Distribution::Coxian { rates: vec![2.5], probs: vec![1.0] },
        Distribution::HyperErlang {
            rates: vec![2.0, 5.0, 8.0],
            probs: vec![0.5, 0.3, 0.2],
            phase_lengths: vec![1, 2, 4],
        },
        Distribution::HyperErlang { rates: vec![1.5, 3.0], probs: vec![0.0, 1.0], phase_lengths: vec![3, 2] },
    ]
}

#[test]
fn phase_type_samples_match_their_moments_in_both_modes() {
    // The fast mode draws the time in a state and the next state; Ciw's
    // races one exponential per exit. Both must have the reported law.
    let n = 200_000;
    for d in &phase_type_family() {
        assert_moments(d, sample_mean_var_with(d, n, &mut Pcg::new(11)), n);
        assert_moments(d, sample_mean_var_with(d, n, &mut PythonRandom::new(11)), n);
    }
}

#[test]
fn phase_type_moments_agree_with_closed_forms() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    // A two-state chain is an exponential; Erlang and hyper-exponential as
    // phase-type matrices (as Ciw builds them) have their own formulas.
    let exp = Distribution::PhaseType {
        initial_state: vec![1.0, 0.0],
        absorbing_matrix: vec![vec![-4.0, 4.0], vec![0.0, 0.0]],
    };
    assert!(close(exp.mean().unwrap(), 0.25) && close(exp.variance().unwrap(), 1.0 / 16.0));
    let erlang = Distribution::PhaseType {
        initial_state: vec![1.0, 0.0, 0.0, 0.0],
        absorbing_matrix: vec![
            vec![-2.0, 2.0, 0.0, 0.0],
            vec![0.0, -2.0, 2.0, 0.0],
            vec![0.0, 0.0, -2.0, 2.0],
            vec![0.0; 4],
        ],
    };
    let e = Distribution::Erlang { rate: 2.0, phases: 3 };
    assert!(close(erlang.mean().unwrap(), e.mean().unwrap()));
    assert!(close(erlang.variance().unwrap(), e.variance().unwrap()));
    // A Coxian that never skips is an Erlang; a hyper-Erlang of one-phase
    // branches is a hyper-exponential.
    let cox = Distribution::Coxian { rates: vec![2.0; 3], probs: vec![0.0, 0.0, 1.0] };
    assert!(close(cox.mean().unwrap(), e.mean().unwrap()));
    assert!(close(cox.variance().unwrap(), e.variance().unwrap()));
    let he =
        Distribution::HyperErlang { rates: vec![1.0, 5.0], probs: vec![0.3, 0.7], phase_lengths: vec![1, 1] };
    let hx = Distribution::HyperExponential { rates: vec![1.0, 5.0], probs: vec![0.3, 0.7] };
    assert!(close(he.mean().unwrap(), hx.mean().unwrap()));
    assert!(close(he.variance().unwrap(), hx.variance().unwrap()));
    // Ciw's numbers (numpy's inverse) for the branching chain:
    // PhaseType([.4,.3,.2,0,.1], M).mean and .variance.
    let b = branching_phase_type();
    assert!(close(b.mean().unwrap(), BRANCHING_MEAN), "{:?}", b.mean());
    assert!(close(b.variance().unwrap(), BRANCHING_VARIANCE), "{:?}", b.variance());
}

#[test]
fn a_phase_type_certain_to_start_absorbed_is_always_zero_and_draws_nothing() {
    let d = Distribution::PhaseType {
        initial_state: vec![0.0, 1.0],
        absorbing_matrix: vec![vec![-1.0, 1.0], vec![0.0, 0.0]],
    };
    assert!(d.always_zero());
    assert!(!branching_phase_type().always_zero());
    let mut rng = PythonRandom::new(3);
    let mut fresh = rng.clone();
    assert_eq!(Sampler::new(d).sample(&mut rng), 0.0);
    assert_eq!(rng.uniform01(), fresh.uniform01());
}

#[test]
fn ciw_mode_races_one_exponential_per_exit_in_column_order() {
    // Coxian([3, 5], [0.4, 1]): one uniform for the start, then in phase 0
    // expovariate(0.6 * 3) (to phase 1) and expovariate(0.4 * 3) (to the
    // end); the smaller wins; in phase 1 one expovariate(5).
    let d = Distribution::Coxian { rates: vec![3.0, 5.0], probs: vec![0.4, 1.0] };
    let mut s = Sampler::new(d);
    for seed in 0..50 {
        let mut rng = PythonRandom::new(seed);
        let mut py = rng.clone();
        let got = s.sample(&mut rng);
        let _ = py.uniform01();
        let (a, b) = (py.exponential((1.0 - 0.4) * 3.0), py.exponential(0.4 * 3.0));
        let want = if a < b { a + py.exponential(5.0) } else { b };
        assert_eq!(got, want, "seed {seed}");
        assert_eq!(rng.uniform01(), py.uniform01(), "seed {seed}: draws made");
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

/// Ciw 3.2.7: `PhaseType([.4, .3, .2, 0, .1], M).mean` for the chain of
/// [`branching_phase_type`].
const BRANCHING_MEAN: f64 = 0.396111111111111;
/// The same's `.variance`.
const BRANCHING_VARIANCE: f64 = 0.18510524691358018;

/// Every uniform is `u`; exponentials by inversion of it.
struct Fixed(f64);

impl RandomSource for Fixed {
    fn uniform01(&mut self) -> f64 {
        self.0
    }
    fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.0).ln() / rate
    }
    fn normal(&mut self, mean: f64, _: f64) -> f64 {
        mean
    }
    fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        shape * scale
    }
    fn weibull(&mut self, scale: f64, _: f64) -> f64 {
        scale
    }
    fn triangular(&mut self, _: f64, mode: f64, _: f64) -> f64 {
        mode
    }
}

fn det(value: f64) -> Distribution {
    Distribution::Deterministic { value }
}

#[test]
fn a_mixture_chooses_as_pythons_choices_not_as_ciws_random_choice() {
    // random.choices bisects to the right: u * total equal to a running sum
    // picks the next component (random_choice would pick this one).
    let d = Distribution::Mixture { dists: vec![det(1.0), det(2.0)], probs: vec![0.5, 0.5] };
    assert_eq!(Sampler::new(d.clone()).sample(&mut Fixed(0.5)), 2.0);
    assert_eq!(Sampler::new(d.clone()).sample(&mut Fixed(0.4999)), 1.0);
    // The largest uniform picks the last component.
    assert_eq!(Sampler::new(d).sample(&mut Fixed(0.9999999999999999)), 2.0);
}

#[test]
fn a_mixture_draws_its_choice_even_when_one_component_is_certain() {
    let d = Distribution::Mixture { dists: vec![det(0.5), det(1.0), det(2.0)], probs: vec![1.0, 0.0, 0.0] };
    let mut rng = PythonRandom::new(5);
    let mut py = rng.clone();
    assert_eq!(Sampler::new(d).sample(&mut rng), 0.5);
    let _ = py.uniform01();
    assert_eq!(rng.uniform01(), py.uniform01());
}

#[test]
fn a_combination_draws_first_then_second() {
    let d = Distribution::Combined {
        op: CombineOp::Sub,
        first: Box::new(Distribution::exponential(1.0)),
        second: Box::new(Distribution::Uniform { lower: 0.0, upper: 0.1 }),
    };
    let mut rng = PythonRandom::new(2);
    let mut py = rng.clone();
    let got = Sampler::new(d).sample(&mut rng);
    let a = py.exponential(1.0);
    let b = py.uniform(0.0, 0.1);
    assert_eq!(got, a - b);
    assert!(CombineOp::Div.apply(1.0, 0.0).is_nan());
    assert_eq!(CombineOp::Div.apply(3.0, 2.0), 1.5);
}

#[test]
fn mixtures_and_combinations_match_their_moments() {
    let exp = |rate| Box::new(Distribution::exponential(rate));
    let dists = [
        Distribution::Mixture {
            dists: vec![Distribution::exponential(3.0), branching_phase_type(), det(0.7)],
            probs: vec![0.5, 0.3, 0.2],
        },
        Distribution::Combined { op: CombineOp::Add, first: exp(2.0), second: Box::new(det(0.1)) },
        Distribution::Combined {
            op: CombineOp::Sub,
            first: Box::new(Distribution::Uniform { lower: 2.0, upper: 3.0 }),
            second: exp(2.0),
        },
        Distribution::Combined {
            op: CombineOp::Mul,
            first: Box::new(Distribution::Uniform { lower: 0.5, upper: 1.5 }),
            second: exp(1.0),
        },
        Distribution::Combined { op: CombineOp::Div, first: exp(1.0), second: Box::new(det(4.0)) },
    ];
    let n = 200_000;
    for d in &dists {
        assert_moments(d, sample_mean_var_with(d, n, &mut Pcg::new(11)), n);
    }
    // Dividing by a random divisor has no exact moments here (Ciw reports
    // the delta-method approximation).
    let ratio = Distribution::Combined { op: CombineOp::Div, first: exp(1.0), second: exp(1.0) };
    assert_eq!((ratio.mean(), ratio.variance()), (None, None));
}

#[test]
fn mixtures_and_combinations_know_when_they_are_always_zero() {
    let zero = || Box::new(det(0.0));
    let one = || Box::new(det(1.0));
    let mix = |probs: Vec<f64>| Distribution::Mixture { dists: vec![det(0.0), det(1.0)], probs };
    assert!(mix(vec![1.0, 0.0]).always_zero());
    assert!(!mix(vec![0.5, 0.5]).always_zero());
    let comb = |op, first, second| Distribution::Combined { op, first, second };
    assert!(comb(CombineOp::Add, zero(), zero()).always_zero());
    assert!(!comb(CombineOp::Add, zero(), one()).always_zero());
    assert!(comb(CombineOp::Mul, one(), zero()).always_zero());
    assert!(comb(CombineOp::Sub, zero(), one()).always_zero());
    assert!(comb(CombineOp::Div, zero(), one()).always_zero());
    assert!(!comb(CombineOp::Div, one(), zero()).always_zero());
}

/// Python's stream behind the trait's required methods only: the whole-number
/// draws take the trait's default, `rand_distr` fed with these uniforms.
struct OnlyRequired(PythonRandom);

impl RandomSource for OnlyRequired {
    fn uniform01(&mut self) -> f64 {
        self.0.uniform01()
    }
    fn exponential(&mut self, rate: f64) -> f64 {
        self.0.exponential(rate)
    }
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        self.0.normal(mean, sd)
    }
    fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        self.0.gamma(shape, scale)
    }
    fn weibull(&mut self, scale: f64, shape: f64) -> f64 {
        self.0.weibull(scale, shape)
    }
    fn triangular(&mut self, lower: f64, mode: f64, upper: f64) -> f64 {
        self.0.triangular(lower, mode, upper)
    }
}

fn whole_number_family() -> [Distribution; 7] {
    [
        Distribution::Poisson { rate: 3.5 },
        // rand_distr switches algorithm at a mean of 12.
        Distribution::Poisson { rate: 40.0 },
        Distribution::Geometric { prob: 0.3 },
        Distribution::Geometric { prob: 0.8 },
        Distribution::Binomial { n: 10, prob: 0.25 },
        // And binomials with n p above 10 to BTPE.
        Distribution::Binomial { n: 200, prob: 0.4 },
        Distribution::Binomial { n: 1, prob: 0.3 },
    ]
}

#[test]
fn whole_number_draws_are_whole_and_match_their_moments_from_every_source() {
    let n = 200_000;
    for d in &whole_number_family() {
        let mut s = Sampler::new(d.clone());
        let mut rng = Pcg::new(4);
        assert!((0..1000).all(|_| {
            let x = s.sample(&mut rng);
            x.fract() == 0.0 && x >= 0.0
        }));
        assert_moments(d, sample_mean_var_with(d, n, &mut Pcg::new(11)), n);
        assert_moments(d, sample_mean_var_with(d, n, &mut PythonRandom::new(11)), n);
        assert_moments(d, sample_mean_var_with(d, n, &mut OnlyRequired(PythonRandom::new(11))), n);
    }
    assert!(Sampler::new(Distribution::Geometric { prob: 0.5 }).sample(&mut Pcg::new(1)) >= 1.0);
}

#[test]
fn whole_number_draws_leave_pythons_stream_alone_in_ciw_mode() {
    // Ciw draws them from numpy's stream, not from `random`: the draws
    // around them must stay aligned with Ciw's.
    let mut rng = PythonRandom::new(9);
    let mut py = rng.clone();
    for d in whole_number_family() {
        let _ = Sampler::new(d).sample(&mut rng);
    }
    assert_eq!(rng.uniform01(), py.uniform01());
}
