//! Time distributions for inter-arrival and service times: Ciw's set, their
//! means and variances, parameter checks, and sampling in Ciw's draw order.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod check;
mod compose;
mod phase_type;
mod poisson_intervals;
mod sampler;

pub use check::ParameterError;
use check::{all_non_negative_or_inf, finite, non_negative, non_negative_or_inf, positive, probabilities};
pub use compose::CombineOp;
pub(crate) use sampler::Sampler;

use crate::behaviour::QueuedCustomer;
use crate::random::RandomSource;

/// A distribution of non-negative times. In a model file each is a table
/// tagged by `type`, e.g. `{ type = "exponential", rate = 0.2 }`.
///
/// Sampling follows Ciw's algorithms and draw counts, so that under
/// [`crate::RngKind::Ciw`] every variant draws exactly what Ciw draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Distribution {
    /// Exponential with the given rate (mean `1 / rate`).
    Exponential {
        /// Events per unit time; finite and positive.
        rate: f64,
    },
    /// Uniform on `[lower, upper]`.
    Uniform {
        /// Smallest value; non-negative.
        lower: f64,
        /// Largest value; at least `lower`.
        upper: f64,
    },
    /// Always the same value.
    Deterministic {
        /// The value; non-negative, possibly infinite (`inf` in a model
        /// file): an arrival stream that never arrives, a service that never
        /// ends, as in Ciw.
        value: f64,
    },
    /// Triangular on `[lower, upper]` peaking at `mode`.
    Triangular {
        /// Smallest value; non-negative.
        lower: f64,
        /// Most likely value, in `[lower, upper]`.
        mode: f64,
        /// Largest value.
        upper: f64,
    },
    /// Gamma with the given shape and scale (mean `shape * scale`).
    Gamma {
        /// Shape; positive, at most [`Distribution::MAX_GAMMA_SHAPE`].
        shape: f64,
        /// Scale; positive.
        scale: f64,
    },
    /// Weibull with the given scale and shape.
    Weibull {
        /// Scale; positive.
        scale: f64,
        /// Shape; positive.
        shape: f64,
    },
    /// Normal truncated at 0: draws at or below 0 are redrawn, as in Ciw.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal; positive.
        sd: f64,
    },
    /// Lognormal: `exp(N(mean, sd))`.
    Lognormal {
        /// Mean of the underlying normal.
        mean: f64,
        /// Standard deviation of the underlying normal; positive.
        sd: f64,
    },
    /// Erlang: the sum of `phases` exponentials with the given rate.
    Erlang {
        /// Rate of each phase; positive.
        rate: f64,
        /// Number of phases; at least 1.
        phases: u32,
    },
    /// Hyper-exponential: exponential with `rates[i]` chosen with `probs[i]`.
    HyperExponential {
        /// The rates; each positive.
        rates: Vec<f64>,
        /// The probabilities of each rate; summing to 1.
        probs: Vec<f64>,
    },
    /// Resamples the observations uniformly.
    Empirical {
        /// The observations; non-empty, non-negative, possibly infinite.
        observations: Vec<f64>,
    },
    /// Cycles through the values in order.
    Sequential {
        /// The values; non-empty, non-negative, possibly infinite (as in
        /// Ciw, e.g. `[1.0, 2.0, inf]`: two arrivals, then no more).
        values: Vec<f64>,
    },
    /// A discrete distribution on `values` with probabilities `probs`.
    /// When every probability but the last is 0 and the last is 1, a draw
    /// takes no random number, as Ciw's `random_choice` takes none.
    Pmf {
        /// The values; non-negative, possibly infinite.
        values: Vec<f64>,
        /// Their probabilities; summing to 1.
        probs: Vec<f64>,
    },
    /// Phase-type: the time an absorbing continuous-time Markov chain takes
    /// to reach its last state, as Ciw's `PhaseType`.
    PhaseType {
        /// The probability of starting in each state, the absorbing (last)
        /// one included; summing to 1.
        initial_state: Vec<f64>,
        /// The generator: rates between states off the diagonal
        /// (non-negative), each row summing to 0, the last row (the
        /// absorbing state) all zeros, every state able to reach the last;
        /// at most [`Distribution::MAX_PHASE_TYPE_STATES`] states.
        absorbing_matrix: Vec<Vec<f64>>,
    },
    /// Coxian: phases in series, phase `i` lasting an exponential time with
    /// rate `rates[i]` and ending the draw with probability `probs[i]`, as
    /// Ciw's `Coxian` (a phase-type distribution).
    Coxian {
        /// The rate of each phase; each positive.
        rates: Vec<f64>,
        /// The probability of absorption after each phase, in `[0, 1]`; the
        /// last is 1.
        probs: Vec<f64>,
    },
    /// Hyper-Erlang: an Erlang with `phase_lengths[i]` phases of rate
    /// `rates[i]` chosen with probability `probs[i]`, as Ciw's
    /// `HyperErlang` (a phase-type distribution).
    HyperErlang {
        /// The rate of each branch's phases; each positive.
        rates: Vec<f64>,
        /// The probability of each branch; summing to 1.
        probs: Vec<f64>,
        /// The number of phases of each branch; each at least 1, at most
        /// [`MAX_ERLANG_PHASES`] in all.
        phase_lengths: Vec<u32>,
    },
    /// A mixture: a draw from `dists[i]` chosen with probability `probs[i]`,
    /// as Ciw's `MixtureDistribution`. The choice is one uniform `u` and
    /// the first component whose running sum of probabilities exceeds `u`
    /// times their total (Python's `random.choices`), drawn even when one
    /// probability is 1.
    Mixture {
        /// The components; each valid.
        dists: Vec<Distribution>,
        /// Their probabilities; summing to 1.
        probs: Vec<f64>,
    },
    /// Two independent draws combined, `first` drawn first, as Ciw's
    /// `CombinedDistribution` (`d1 + d2`, `d1 - d2`, `d1 * d2`, `d1 / d2`).
    /// Only the result must be a valid time: a negative one (or a division
    /// by 0) stops the simulation with an error, as Ciw raises one.
    Combined {
        /// How the draws combine: `"add"`, `"sub"`, `"mul"` or `"div"`.
        op: CombineOp,
        /// The distribution drawn first; valid.
        first: Box<Distribution>,
        /// The distribution drawn second; valid.
        second: Box<Distribution>,
    },
    /// Arrivals of a Poisson process whose rate changes over a repeating
    /// cycle, as Ciw's `PoissonIntervals`: `rates[i]` arrivals per unit time
    /// until `endpoints[i]`, the cycle repeating every `endpoints[last]`, no
    /// arrivals after `max_sample_date`. As in Ciw, every arrival date is
    /// drawn when the simulation is built (a Poisson count per interval,
    /// then that many uniform dates in it: in Ciw mode from Ciw's numpy and
    /// Python streams, in the order of the model's classes, then nodes), and
    /// the arrivals then follow them. Only as a class's arrival distribution
    /// at a node.
    PoissonIntervals {
        /// Arrivals per unit time in each interval; non-negative.
        rates: Vec<f64>,
        /// The end of each interval within the cycle; positive, strictly
        /// increasing, as many as `rates`.
        endpoints: Vec<f64>,
        /// No arrival is drawn after it (but the first interval is never
        /// cut short, as in Ciw); positive and finite.
        max_sample_date: f64,
    },
    /// Poisson with mean `rate`: whole numbers from 0, mainly for batch
    /// sizes. In Ciw mode drawn from Ciw's numpy stream, as Ciw draws it
    /// (see [`RandomSource::poisson`]).
    Poisson {
        /// The mean; positive, at most [`Distribution::MAX_POISSON_RATE`].
        rate: f64,
    },
    /// Geometric: the number of trials up to and including the first
    /// success, from 1, mainly for batch sizes. In Ciw mode drawn from
    /// Ciw's numpy stream, as Ciw draws it (see [`RandomSource::geometric`]).
    Geometric {
        /// The probability of success; in `[1e-12, 1)` (Ciw requires
        /// `(0, 1)`; below 1e-12 the sampler cannot work).
        prob: f64,
    },
    /// Binomial: successes in `n` trials, mainly for batch sizes. In Ciw
    /// mode drawn from Ciw's numpy stream, as Ciw draws it (see
    /// [`RandomSource::binomial`]).
    Binomial {
        /// The number of trials; at least 1.
        n: u32,
        /// The probability of success; in `(0, 1)`, as Ciw.
        prob: f64,
    },
    /// A user-supplied distribution (not expressible in a model file).
    #[serde(skip)]
    Custom(CustomDistribution),
}

/// A user-supplied time distribution. Implementations draw only through the
/// [`RandomSource`] they are given, so that runs stay reproducible.
///
/// ```
/// use queue_sim::{RandomSource, TimeDistribution};
/// /// Service that takes 1 or 3 time units with equal chance.
/// #[derive(Debug)]
/// struct OneOrThree;
/// impl TimeDistribution for OneOrThree {
///     fn sample(&self, rng: &mut dyn RandomSource) -> f64 {
///         if rng.uniform01() < 0.5 { 1.0 } else { 3.0 }
///     }
///     fn mean(&self) -> Option<f64> { Some(2.0) }
/// }
/// ```
pub trait TimeDistribution: fmt::Debug + Send + Sync {
    /// One draw. A negative or NaN value stops the simulation with an error.
    fn sample(&self, rng: &mut dyn RandomSource) -> f64;
    /// One draw at simulation time `now`, for `customer` where there is one
    /// (a service time or a patience; not an inter-arrival time or a batch
    /// size), as Ciw's `sample(t, ind)`, so that a distribution can depend
    /// on the time of day or on who is served. By default,
    /// [`sample`](TimeDistribution::sample). Inside a mixture or a combination of
    /// distributions, only `sample` is called.
    fn sample_at(&self, now: f64, customer: Option<&QueuedCustomer>, rng: &mut dyn RandomSource) -> f64 {
        let _ = (now, customer);
        self.sample(rng)
    }
    /// The mean, where known.
    fn mean(&self) -> Option<f64> {
        None
    }
    /// The variance, where known.
    fn variance(&self) -> Option<f64> {
        None
    }
    /// The largest value it can return, where known. A value of `Some(0.0)`
    /// makes it invalid as an inter-arrival distribution.
    fn upper_limit(&self) -> Option<f64> {
        None
    }
}

/// A shared handle on a [`TimeDistribution`], the payload of
/// [`Distribution::Custom`]. Two handles are equal when they share the object.
#[derive(Clone, Debug)]
pub struct CustomDistribution(pub Arc<dyn TimeDistribution>);

impl PartialEq for CustomDistribution {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The most phases an Erlang may have: each draw sums that many exponentials.
pub const MAX_ERLANG_PHASES: u32 = 1_000_000;

impl Distribution {
    /// The largest gamma shape: above it, `2 * shape - 1` overflows in
    /// Python's `gammavariate` (which Ciw mode follows), whose rejection loop
    /// then never accepts.
    pub const MAX_GAMMA_SHAPE: f64 = f64::MAX / 2.0;

    /// The most states (absorbing included) a [`Distribution::PhaseType`]
    /// may have: its moments solve a dense linear system of that size.
    pub const MAX_PHASE_TYPE_STATES: usize = 500;

    /// The largest Poisson mean: numpy's (which Ciw draws with), below
    /// `rand_distr`'s.
    pub const MAX_POISSON_RATE: f64 = 9.223372006484771e18;

    /// The most intervals a [`Distribution::PoissonIntervals`] may lay out
    /// up to its `max_sample_date`.
    pub const MAX_POISSON_INTERVALS: f64 = 1e7;

    /// The most arrival dates a [`Distribution::PoissonIntervals`] may
    /// expect (its largest rate times its `max_sample_date`): each is kept,
    /// 8 bytes, until the simulation ends.
    pub const MAX_POISSON_INTERVAL_DATES: f64 = 5e7;

    /// The smallest geometric probability: below it `1 - prob` rounds to 1.
    pub const MIN_GEOMETRIC_PROB: f64 = 1e-12;

    /// Exponential with the given rate.
    pub fn exponential(rate: f64) -> Self {
        Self::Exponential { rate }
    }

    /// Always `value`.
    pub fn deterministic(value: f64) -> Self {
        Self::Deterministic { value }
    }

    /// A user-supplied distribution.
    pub fn custom(d: impl TimeDistribution + 'static) -> Self {
        Self::Custom(CustomDistribution(Arc::new(d)))
    }

    /// Its name in model files (`"exponential"`, ...; `"custom"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Exponential { .. } => "exponential",
            Self::Uniform { .. } => "uniform",
            Self::Deterministic { .. } => "deterministic",
            Self::Triangular { .. } => "triangular",
            Self::Gamma { .. } => "gamma",
            Self::Weibull { .. } => "weibull",
            Self::Normal { .. } => "normal",
            Self::Lognormal { .. } => "lognormal",
            Self::Erlang { .. } => "erlang",
            Self::HyperExponential { .. } => "hyper_exponential",
            Self::Empirical { .. } => "empirical",
            Self::Sequential { .. } => "sequential",
            Self::Pmf { .. } => "pmf",
            Self::PhaseType { .. } => "phase_type",
            Self::Coxian { .. } => "coxian",
            Self::HyperErlang { .. } => "hyper_erlang",
            Self::Mixture { .. } => "mixture",
            Self::Combined { .. } => "combined",
            Self::PoissonIntervals { .. } => "poisson_intervals",
            Self::Poisson { .. } => "poisson",
            Self::Geometric { .. } => "geometric",
            Self::Binomial { .. } => "binomial",
            Self::Custom(_) => "custom",
        }
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), ParameterError> {
        match self {
            Self::Exponential { rate } => positive("rate", *rate),
            Self::Uniform { lower, upper } => {
                non_negative("lower", *lower)?;
                non_negative("upper", *upper)?;
                if lower > upper {
                    return Err(ParameterError::Order { relation: "lower <= upper" });
                }
                Ok(())
            }
            Self::Deterministic { value } => non_negative_or_inf("value", *value),
            Self::Triangular { lower, mode, upper } => {
                non_negative("lower", *lower)?;
                non_negative("mode", *mode)?;
                non_negative("upper", *upper)?;
                if !(lower <= mode && mode <= upper) {
                    return Err(ParameterError::Order { relation: "lower <= mode <= upper" });
                }
                Ok(())
            }
            Self::Gamma { shape, scale } => {
                positive("shape", *shape)?;
                if *shape > Self::MAX_GAMMA_SHAPE {
                    return Err(ParameterError::TooLarge {
                        name: "shape",
                        value: *shape,
                        max: Self::MAX_GAMMA_SHAPE,
                    });
                }
                positive("scale", *scale)
            }
            Self::Weibull { scale, shape } => {
                positive("scale", *scale)?;
                positive("shape", *shape)
            }
            Self::Normal { mean, sd } => {
                finite("mean", *mean)?;
                positive("sd", *sd)?;
                // P(X > 0) below about 1e-6: redrawing until positive would hang.
                if mean / sd < -4.75 {
                    return Err(ParameterError::HopelessTruncation { mean: *mean, sd: *sd });
                }
                Ok(())
            }
            Self::Lognormal { mean, sd } => {
                finite("mean", *mean)?;
                positive("sd", *sd)
            }
            Self::Erlang { rate, phases } => {
                positive("rate", *rate)?;
                if *phases == 0 {
                    return Err(ParameterError::NotPositive { name: "phases", value: 0.0 });
                }
                // Each draw sums `phases` exponentials, as Ciw's does: beyond a
                // million a single draw would take longer than a whole run.
                if *phases > MAX_ERLANG_PHASES {
                    return Err(ParameterError::TooLarge {
                        name: "phases",
                        value: f64::from(*phases),
                        max: f64::from(MAX_ERLANG_PHASES),
                    });
                }
                Ok(())
            }
            Self::HyperExponential { rates, probs } => {
                if rates.is_empty() {
                    return Err(ParameterError::Empty { name: "rates" });
                }
                rates.iter().try_for_each(|&r| positive("rates", r))?;
                probabilities("rates", rates.len(), probs)
            }
            Self::Empirical { observations } => all_non_negative_or_inf("observations", observations),
            Self::Sequential { values } => all_non_negative_or_inf("values", values),
            Self::Pmf { values, probs } => {
                all_non_negative_or_inf("values", values)?;
                probabilities("values", values.len(), probs)
            }
            Self::PhaseType { initial_state, absorbing_matrix } => {
                phase_type::check_phase_type(initial_state, absorbing_matrix)
            }
            Self::Coxian { rates, probs } => phase_type::check_coxian(rates, probs),
            Self::HyperErlang { rates, probs, phase_lengths } => {
                phase_type::check_hyper_erlang(rates, probs, phase_lengths)
            }
            Self::Mixture { dists, probs } => compose::check_mixture(dists, probs),
            Self::Combined { first, second, .. } => compose::check_combined(first, second),
            Self::PoissonIntervals { rates, endpoints, max_sample_date } => {
                poisson_intervals::check(rates, endpoints, *max_sample_date)
            }
            Self::Poisson { rate } => {
                positive("rate", *rate)?;
                if *rate > Self::MAX_POISSON_RATE {
                    return Err(ParameterError::TooLarge {
                        name: "rate",
                        value: *rate,
                        max: Self::MAX_POISSON_RATE,
                    });
                }
                Ok(())
            }
            Self::Geometric { prob } => {
                if (Self::MIN_GEOMETRIC_PROB..1.0).contains(&finite("prob", *prob)?) {
                    Ok(())
                } else {
                    Err(ParameterError::OutOfRange { name: "prob", value: *prob, range: "[1e-12, 1)" })
                }
            }
            Self::Binomial { n, prob } => {
                if *n == 0 {
                    return Err(ParameterError::NotPositive { name: "n", value: 0.0 });
                }
                if finite("prob", *prob)? > 0.0 && *prob < 1.0 {
                    Ok(())
                } else {
                    Err(ParameterError::OutOfRange { name: "prob", value: *prob, range: "(0, 1)" })
                }
            }
            Self::Custom(_) => Ok(()),
        }
    }

    /// The mean, where defined (Ciw's formulas; the truncated normal's is that
    /// of the normal truncated at 0).
    pub fn mean(&self) -> Option<f64> {
        Some(match self {
            Self::Exponential { rate } => 1.0 / rate,
            Self::Uniform { lower, upper } => (lower + upper) / 2.0,
            Self::Deterministic { value } => *value,
            Self::Triangular { lower, mode, upper } => (lower + mode + upper) / 3.0,
            Self::Gamma { shape, scale } => shape * scale,
            Self::Weibull { scale, shape } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
            Self::Normal { mean, sd } => {
                let (_, term) = truncation_terms(*mean, *sd);
                mean + sd * term
            }
            Self::Lognormal { mean, sd } => (mean + sd * sd / 2.0).exp(),
            Self::Erlang { rate, phases } => f64::from(*phases) / rate,
            Self::HyperExponential { rates, probs } => probs.iter().zip(rates).map(|(p, r)| p / r).sum(),
            Self::Empirical { observations: v } | Self::Sequential { values: v } => {
                v.iter().sum::<f64>() / v.len() as f64
            }
            Self::Pmf { values, probs } => values.iter().zip(probs).map(|(v, p)| v * p).sum(),
            Self::PhaseType { .. } | Self::Coxian { .. } | Self::HyperErlang { .. } => {
                return self.phase_moments().map(|(m, _)| m);
            }
            Self::Mixture { dists, probs } => return compose::mixture_moments(dists, probs).map(|(m, _)| m),
            Self::Combined { op, first, second } => {
                return compose::combined_moments(*op, first, second).map(|(m, _)| m);
            }
            // Ciw's: the mean gap of the cycle's overall rate.
            Self::PoissonIntervals { rates, endpoints, .. } => {
                let rate = poisson_intervals::overall_rate(rates, endpoints);
                if rate > 0.0 { 1.0 / rate } else { f64::INFINITY }
            }
            Self::Poisson { rate } => *rate,
            Self::Geometric { prob } => 1.0 / prob,
            Self::Binomial { n, prob } => f64::from(*n) * prob,
            Self::Custom(c) => return c.0.mean(),
        })
    }

    /// The variance, where defined.
    pub fn variance(&self) -> Option<f64> {
        Some(match self {
            Self::Exponential { rate } => 1.0 / (rate * rate),
            Self::Uniform { lower, upper } => (upper - lower).powi(2) / 12.0,
            Self::Deterministic { .. } => 0.0,
            Self::Triangular { lower: a, mode: c, upper: b } => {
                (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
            }
            Self::Gamma { shape, scale } => shape * scale * scale,
            Self::Weibull { scale, shape } => {
                let g1 = statrs::function::gamma::gamma(1.0 + 1.0 / shape);
                let g2 = statrs::function::gamma::gamma(1.0 + 2.0 / shape);
                scale * scale * (g2 - g1 * g1)
            }
            Self::Normal { mean, sd } => {
                let (z, term) = truncation_terms(*mean, *sd);
                sd * sd * (1.0 - z * term - term * term)
            }
            Self::Lognormal { mean, sd } => ((sd * sd).exp() - 1.0) * (2.0 * mean + sd * sd).exp(),
            Self::Erlang { rate, phases } => f64::from(*phases) / (rate * rate),
            Self::HyperExponential { rates, probs } => {
                let m: f64 = probs.iter().zip(rates).map(|(p, r)| p / r).sum();
                probs.iter().zip(rates).map(|(p, r)| 2.0 * p / (r * r)).sum::<f64>() - m * m
            }
            Self::Empirical { observations: v } | Self::Sequential { values: v } => {
                let m = v.iter().sum::<f64>() / v.len() as f64;
                v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64
            }
            Self::Pmf { values, probs } => {
                let m: f64 = values.iter().zip(probs).map(|(v, p)| v * p).sum();
                values.iter().zip(probs).map(|(v, p)| p * (v - m).powi(2)).sum()
            }
            Self::PhaseType { .. } | Self::Coxian { .. } | Self::HyperErlang { .. } => {
                return self.phase_moments().map(|(_, v)| v);
            }
            Self::Mixture { dists, probs } => return compose::mixture_moments(dists, probs).map(|(_, v)| v),
            Self::Combined { op, first, second } => {
                return compose::combined_moments(*op, first, second).map(|(_, v)| v);
            }
            // Ciw gives none (NaN).
            Self::PoissonIntervals { .. } => return None,
            Self::Poisson { rate } => *rate,
            Self::Geometric { prob } => (1.0 - prob) / (prob * prob),
            Self::Binomial { n, prob } => f64::from(*n) * prob * (1.0 - prob),
            Self::Custom(c) => return c.0.variance(),
        })
    }

    /// True when every draw is 0: as an inter-arrival distribution such a
    /// source would make infinitely many arrivals at one instant.
    pub fn always_zero(&self) -> bool {
        match self {
            Self::Deterministic { value } => *value == 0.0,
            Self::Uniform { upper, .. } | Self::Triangular { upper, .. } => *upper == 0.0,
            Self::Empirical { observations: v } | Self::Sequential { values: v } => {
                v.iter().all(|&x| x == 0.0)
            }
            Self::Pmf { values, probs } => values.iter().zip(probs).all(|(&v, &p)| v == 0.0 || p == 0.0),
            // Only a draw that starts in the absorbing state is 0.
            Self::PhaseType { initial_state, .. } => certain_last(initial_state),
            Self::Mixture { dists, probs } => {
                dists.iter().zip(probs).all(|(d, &p)| p == 0.0 || d.always_zero())
            }
            Self::Combined { op, first, second } => compose::combined_always_zero(*op, first, second),
            Self::Custom(c) => c.0.upper_limit() == Some(0.0),
            _ => false,
        }
    }

    /// Mean and variance of a valid phase-type distribution (none for
    /// invalid parameters or other variants).
    fn phase_moments(&self) -> Option<(f64, f64)> {
        self.validate().ok()?;
        match self {
            Self::PhaseType { initial_state, absorbing_matrix } => {
                Some(phase_type::phase_type_moments(initial_state, absorbing_matrix))
            }
            Self::Coxian { rates, probs } => Some(phase_type::coxian_moments(rates, probs)),
            Self::HyperErlang { rates, probs, phase_lengths } => {
                Some(phase_type::hyper_erlang_moments(rates, probs, phase_lengths))
            }
            _ => None,
        }
    }
}

/// Whether Ciw's `random_choice(values, probs)` picks the last value without
/// a draw: at least two probabilities, all 0 but the last, which is 1
/// (`set(probs[:-1]) == set([0.0]) and probs[-1] == 1.0`).
pub(crate) fn certain_last(probs: &[f64]) -> bool {
    match probs.split_last() {
        Some((&last, rest)) => !rest.is_empty() && rest.iter().all(|&p| p == 0.0) && last == 1.0,
        None => false,
    }
}

/// `z = mean / sd` and the inverse Mills ratio `phi(z) / Phi(z)`.
fn truncation_terms(mean: f64, sd: f64) -> (f64, f64) {
    let z = mean / sd;
    let phi = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = 0.5 * (1.0 + statrs::function::erf::erf(z / std::f64::consts::SQRT_2));
    (z, phi / cdf)
}

#[cfg(test)]
mod tests;
