//! Drawing from a [`Distribution`] in Ciw's draw order, with the state a
//! draw needs kept per simulation.

use super::phase_type::PhaseChain;
use super::{Distribution, ParameterError, certain_last};
use crate::behaviour::QueuedCustomer;
use crate::random::{RandomSource, running_sums};

/// A distribution ready to draw from, with the per-simulation state some
/// variants carry (the position of a [`Distribution::Sequential`]), as Ciw
/// deep-copies its distributions into each simulation.
#[derive(Clone, Debug)]
pub(crate) struct Sampler {
    dist: Distribution,
    /// Position in a [`Distribution::Sequential`].
    position: usize,
    /// Running sums of the probabilities of a pmf, hyper-exponential or
    /// mixture.
    running_sums: Vec<f64>,
    /// A pmf whose last value is certain: Ciw's `random_choice` draws nothing.
    certain: bool,
    /// `1 / rate` of an exponential, computed once.
    mean: f64,
    /// What a phase-type distribution draws with; none for the others, so
    /// that they carry one pointer more and nothing else.
    parts: Option<Box<Parts>>,
}

/// The drawing state of the variants that need more than a few numbers.
#[derive(Clone, Debug)]
enum Parts {
    /// The absorbing chain of a phase-type, Coxian or hyper-Erlang.
    Chain(PhaseChain),
    /// The components of a mixture, or the two parts of a combination.
    Samplers(Vec<Sampler>),
}

impl Sampler {
    /// A sampler of inter-arrival times: [`Sampler::new`], but a
    /// [`Distribution::PoissonIntervals`] draws its dates now, from `rng`,
    /// and becomes the sequence of their gaps.
    pub(crate) fn arrivals(dist: Distribution, rng: &mut dyn RandomSource) -> Result<Self, ParameterError> {
        match &dist {
            Distribution::PoissonIntervals { rates, endpoints, max_sample_date } => {
                let values =
                    super::poisson_intervals::inter_arrivals(rates, endpoints, *max_sample_date, rng)?;
                Ok(Self::new(Distribution::Sequential { values }))
            }
            _ => Ok(Self::new(dist)),
        }
    }

    pub(crate) fn new(dist: Distribution) -> Self {
        let running_sums = match &dist {
            Distribution::HyperExponential { probs, .. }
            | Distribution::Pmf { probs, .. }
            | Distribution::Mixture { probs, .. } => running_sums(probs),
            _ => Vec::new(),
        };
        let mean = if let Distribution::Exponential { rate } = dist { 1.0 / rate } else { f64::NAN };
        let certain = match &dist {
            Distribution::Pmf { probs, .. } => certain_last(probs),
            _ => false,
        };
        let parts = match &dist {
            Distribution::PhaseType { initial_state, absorbing_matrix } => {
                Some(Parts::Chain(PhaseChain::phase_type(initial_state, absorbing_matrix)))
            }
            Distribution::Coxian { rates, probs } => Some(Parts::Chain(PhaseChain::coxian(rates, probs))),
            Distribution::HyperErlang { rates, probs, phase_lengths } => {
                Some(Parts::Chain(PhaseChain::hyper_erlang(rates, probs, phase_lengths)))
            }
            Distribution::Mixture { dists, .. } => {
                Some(Parts::Samplers(dists.iter().cloned().map(Sampler::new).collect()))
            }
            Distribution::Combined { first, second, .. } => Some(Parts::Samplers(vec![
                Sampler::new(first.as_ref().clone()),
                Sampler::new(second.as_ref().clone()),
            ])),
            _ => None,
        };
        Self { dist, position: 0, running_sums, certain, mean, parts: parts.map(Box::new) }
    }

    /// The distribution's mean, where known.
    pub(crate) fn dist_mean(&self) -> Option<f64> {
        self.dist.mean()
    }

    /// One draw at time `now` for the customer `who` gives (called only for
    /// a custom distribution), as Ciw's `sample(t, ind)`.
    #[inline(always)]
    pub(crate) fn sample_at<R: RandomSource>(
        &mut self,
        now: f64,
        who: impl FnOnce() -> Option<QueuedCustomer>,
        rng: &mut R,
    ) -> f64 {
        match &self.dist {
            Distribution::Custom(c) => c.0.sample_at(now, who().as_ref(), rng as &mut dyn RandomSource),
            _ => self.sample(rng),
        }
    }

    /// [`Sampler::sample_at`] with the exponential drawn in the caller's
    /// code rather than through a call: for the one loop whose every event
    /// draws (a plain model's), where the call's saving and restoring of
    /// registers costs about as much as the draw.
    #[inline(always)]
    pub(crate) fn sample_inline_at<R: RandomSource>(
        &mut self,
        now: f64,
        who: impl FnOnce() -> Option<QueuedCustomer>,
        rng: &mut R,
    ) -> f64 {
        match &self.dist {
            Distribution::Exponential { rate } => rng.exponential_with_mean(*rate, self.mean),
            _ => self.sample_at(now, who, rng),
        }
    }

    /// One draw, consuming exactly the uniforms Ciw's sampler consumes.
    /// The exponential, by far the most common, is drawn inline; the others
    /// out of line.
    #[inline(never)]
    pub(crate) fn sample<R: RandomSource>(&mut self, rng: &mut R) -> f64 {
        if let Distribution::Exponential { rate } = self.dist {
            return rng.exponential_with_mean(rate, self.mean);
        }
        self.sample_other(rng)
    }

    /// [`Sampler::sample`] for every distribution but the exponential.
    #[inline(never)]
    fn sample_other<R: RandomSource>(&mut self, rng: &mut R) -> f64 {
        match &self.dist {
            Distribution::Exponential { rate } => rng.exponential_with_mean(*rate, self.mean),
            Distribution::Uniform { lower, upper } => rng.uniform(*lower, *upper),
            Distribution::Deterministic { value } => *value,
            Distribution::Triangular { lower, mode, upper } => rng.triangular(*lower, *mode, *upper),
            Distribution::Gamma { shape, scale } => rng.gamma(*shape, *scale),
            Distribution::Weibull { scale, shape } => rng.weibull(*scale, *shape),
            Distribution::Normal { mean, sd } => loop {
                let x = rng.normal(*mean, *sd);
                if x > 0.0 {
                    break x;
                }
            },
            Distribution::Lognormal { mean, sd } => rng.lognormal(*mean, *sd),
            Distribution::Erlang { rate, phases } => {
                // Ciw samples Erlang as a phase-type distribution: one draw
                // picks the (only) starting phase, then one exponential a phase.
                let _ = rng.uniform01();
                let mut total = 0.0;
                for _ in 0..*phases {
                    total += rng.exponential(*rate);
                }
                total
            }
            Distribution::HyperExponential { rates, .. } => {
                let phase = rng.weighted_index(&self.running_sums);
                rng.exponential(rates[phase])
            }
            Distribution::Empirical { observations } => observations[rng.index(observations.len())],
            Distribution::Sequential { values } => {
                let v = values[self.position];
                self.position = (self.position + 1) % values.len();
                v
            }
            Distribution::Pmf { values, .. } => {
                if self.certain {
                    values[values.len() - 1]
                } else {
                    values[rng.weighted_index(&self.running_sums)]
                }
            }
            Distribution::PhaseType { .. }
            | Distribution::Coxian { .. }
            | Distribution::HyperErlang { .. } => {
                match self.parts.as_deref() {
                    Some(Parts::Chain(chain)) => chain.sample(rng),
                    // Built with the chain in `new`.
                    _ => f64::NAN,
                }
            }
            Distribution::Mixture { .. } => {
                // Python's `random.choices(dists, probs)`: one uniform times
                // the total, then `bisect_right` over the running sums with
                // the last component as the upper bound.
                let sums = &self.running_sums;
                let x = rng.uniform01() * sums[sums.len() - 1];
                let i = sums[..sums.len() - 1].partition_point(|&c| c <= x);
                match self.parts.as_deref_mut() {
                    Some(Parts::Samplers(parts)) => parts[i].sample(rng),
                    _ => f64::NAN,
                }
            }
            Distribution::Combined { op, .. } => match self.parts.as_deref_mut() {
                // Ciw's `operator(d1.sample(), d2.sample())`: first, then second.
                Some(Parts::Samplers(parts)) => {
                    let a = parts[0].sample(rng);
                    op.apply(a, parts[1].sample(rng))
                }
                _ => f64::NAN,
            },
            // Replaced by its inter-arrival times in `Sampler::arrivals`.
            Distribution::PoissonIntervals { .. } => f64::NAN,
            Distribution::Poisson { rate } => rng.poisson(*rate),
            Distribution::Geometric { prob } => rng.geometric(*prob),
            Distribution::Binomial { n, prob } => rng.binomial(*n, *prob),
            Distribution::Custom(c) => c.0.sample(rng as &mut dyn RandomSource),
        }
    }
}
