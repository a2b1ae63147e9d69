//! The random streams a simulation draws from: the [`RandomSource`] trait, the
//! default PCG generator and the choice between it and the Ciw-compatible one.

use rand::{Rng, RngCore};
use rand_distr::{Binomial, Distribution as _, Exp1, Gamma, Geometric, Poisson, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// A stream of random variates. Every draw a simulation makes goes through
/// these methods, so a generator decides both the bits and the algorithms.
///
/// The two implementations are [`Pcg`] (fast, the default) and
/// [`crate::PythonRandom`] (bit-compatible with Python's `random`, hence Ciw).
pub trait RandomSource {
    /// Whether a simulation drawing from this source follows Ciw's
    /// conventions where they differ from the model's own order: classes are
    /// drawn in order of their sorted names, and utilisation is summed server
    /// by server. False by default; true for [`crate::PythonRandom`].
    fn ciw_conventions(&self) -> bool {
        false
    }
    /// A uniform draw in `[0, 1)`.
    fn uniform01(&mut self) -> f64;
    /// An exponential draw with the given rate.
    fn exponential(&mut self, rate: f64) -> f64;
    /// An exponential draw with the given rate, whose mean `1 / rate` the
    /// caller has computed once: a generator free to scale by multiplying
    /// saves a division per draw. By default, [`RandomSource::exponential`].
    #[inline]
    fn exponential_with_mean(&mut self, rate: f64, mean: f64) -> f64 {
        let _ = mean;
        self.exponential(rate)
    }
    /// A normal draw (not truncated).
    fn normal(&mut self, mean: f64, sd: f64) -> f64;
    /// A gamma draw with the given shape and scale.
    fn gamma(&mut self, shape: f64, scale: f64) -> f64;
    /// A Weibull draw with the given scale and shape.
    fn weibull(&mut self, scale: f64, shape: f64) -> f64;
    /// A triangular draw on `[lower, upper]` with the given mode.
    fn triangular(&mut self, lower: f64, mode: f64, upper: f64) -> f64;
    /// A uniform draw on `[lower, upper)`, as Python's `random.uniform`.
    #[inline]
    fn uniform(&mut self, lower: f64, upper: f64) -> f64 {
        lower + (upper - lower) * self.uniform01()
    }
    /// A lognormal draw: `exp` of a normal draw with the given parameters.
    #[inline]
    fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        self.normal(mu, sigma).exp()
    }
    /// An index below `len`, uniformly, as Ciw's `random_choice(array)`.
    #[inline]
    fn index(&mut self, len: usize) -> usize {
        ((self.uniform01() * len as f64) as usize).min(len.saturating_sub(1))
    }
    /// An index drawn with the given probabilities, as Ciw's
    /// `random_choice(array, probs)`: one uniform draw `u`, then the first
    /// index whose running sum of probabilities reaches `u`. Takes the running
    /// sums (see [`running_sums`]) so that long rows are searched in
    /// logarithmic time; the sums are added in Ciw's order, so the index is
    /// the one Ciw's walk finds.
    /// Rounding that leaves the total short of `u` picks the last index.
    #[inline]
    fn weighted_index(&mut self, running_sums: &[f64]) -> usize {
        let u = self.uniform01();
        // The sums never decrease, so the sums below `u` are a prefix: for
        // a short row, counting them is branch-free and beats a search.
        let below = if running_sums.len() <= 8 {
            running_sums.iter().map(|&c| usize::from(u > c)).sum()
        } else {
            running_sums.partition_point(|&c| u > c)
        };
        below.min(running_sums.len() - 1)
    }
    /// A Poisson draw with mean `rate`: a whole number, as an `f64`. Ciw
    /// draws these (for batch sizes) from its numpy stream `ciw.rng`, not
    /// from Python's `random`. By default, `rand_distr`'s sampler fed with
    /// this source's uniforms; NaN for a `rate` it refuses.
    fn poisson(&mut self, rate: f64) -> f64 {
        Poisson::new(rate).map_or(f64::NAN, |d| d.sample(&mut Uniforms(self)))
    }
    /// A geometric draw: the number of Bernoulli trials with success
    /// probability `prob` up to and including the first success (from 1, as
    /// numpy's `geometric`, which Ciw uses). By default, from `rand_distr`
    /// fed with this source's uniforms; NaN for a `prob` it refuses.
    fn geometric(&mut self, prob: f64) -> f64 {
        Geometric::new(prob).map_or(f64::NAN, |d| d.sample(&mut Uniforms(self)).saturating_add(1) as f64)
    }
    /// A binomial draw: successes in `n` trials with success probability
    /// `prob`. By default, from `rand_distr` fed with this source's
    /// uniforms; NaN for a `prob` it refuses.
    fn binomial(&mut self, n: u32, prob: f64) -> f64 {
        Binomial::new(u64::from(n), prob).map_or(f64::NAN, |d| d.sample(&mut Uniforms(self)) as f64)
    }
}

/// A [`RandomSource`] as the bit generator `rand_distr` samples with: each
/// 32-bit word is the top 32 bits of one uniform draw's 53, a 64-bit word
/// two such (ziggurat samplers read the low bits too, so they must be random).
struct Uniforms<'a, R: RandomSource + ?Sized>(&'a mut R);

impl<R: RandomSource + ?Sized> RngCore for Uniforms<'_, R> {
    fn next_u32(&mut self) -> u32 {
        // A uniform draw is k / 2^53 for a whole k below 2^53: u * 2^32 is
        // below 2^32 and its whole part is k's top 32 bits.
        (self.0.uniform01() * 4_294_967_296.0) as u32
    }

    fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// Running sums of `probs`, added left to right as Ciw's walk adds them: the
/// argument [`RandomSource::weighted_index`] takes.
pub fn running_sums(probs: &[f64]) -> Vec<f64> {
    probs
        .iter()
        .scan(0.0, |total, &p| {
            *total += p;
            Some(*total)
        })
        .collect()
}

/// Which generator a simulation draws from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RngKind {
    /// [`Pcg`]: PCG-64 (MCG variant) with ziggurat samplers. Fast; the default.
    #[default]
    Pcg,
    /// [`crate::PythonRandom`]: Python's Mersenne Twister and variate
    /// algorithms, reproducing Ciw 3.2.7 exactly where the crate docs say so.
    Ciw,
}

impl std::str::FromStr for RngKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pcg" => Ok(Self::Pcg),
            "ciw" => Ok(Self::Ciw),
            other => Err(format!("unknown generator {other:?}: expected \"pcg\" or \"ciw\"")),
        }
    }
}

impl std::fmt::Display for RngKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Pcg => "pcg",
            Self::Ciw => "ciw",
        })
    }
}

/// The default generator: `rand_pcg::Pcg64Mcg`, seeded from a `u64` through
/// SplitMix64 so that nearby seeds give unrelated streams. The same seed gives
/// the same stream on every machine and with every version of this crate that
/// keeps this type.
#[derive(Clone, Debug)]
pub struct Pcg {
    inner: Pcg64Mcg,
}

impl Pcg {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let hi = splitmix64(&mut x) as u128;
        let lo = splitmix64(&mut x) as u128;
        Self { inner: Pcg64Mcg::new((hi << 64) | lo) }
    }
}

/// One step of SplitMix64 (Steele, Lea and Flood), used to spread seeds.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl RandomSource for Pcg {
    #[inline]
    fn uniform01(&mut self) -> f64 {
        // 53 random bits, as rand's `StandardUniform` for f64.
        (self.inner.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    fn exponential(&mut self, rate: f64) -> f64 {
        let e: f64 = Exp1.sample(&mut self.inner);
        e / rate
    }

    #[inline]
    fn exponential_with_mean(&mut self, _rate: f64, mean: f64) -> f64 {
        let e: f64 = Exp1.sample(&mut self.inner);
        e * mean
    }

    #[inline]
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let z: f64 = self.inner.sample(StandardNormal);
        mean + sd * z
    }

    fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        match Gamma::new(shape, scale) {
            Ok(g) => g.sample(&mut self.inner),
            // Parameters are validated before a simulation is built.
            Err(_) => f64::NAN,
        }
    }

    #[inline]
    fn weibull(&mut self, scale: f64, shape: f64) -> f64 {
        let u = 1.0 - self.uniform01();
        scale * (-u.ln()).powf(1.0 / shape)
    }

    fn poisson(&mut self, rate: f64) -> f64 {
        Poisson::new(rate).map_or(f64::NAN, |d| d.sample(&mut self.inner))
    }

    fn geometric(&mut self, prob: f64) -> f64 {
        Geometric::new(prob).map_or(f64::NAN, |d| d.sample(&mut self.inner).saturating_add(1) as f64)
    }

    fn binomial(&mut self, n: u32, prob: f64) -> f64 {
        Binomial::new(u64::from(n), prob).map_or(f64::NAN, |d| d.sample(&mut self.inner) as f64)
    }

    fn triangular(&mut self, lower: f64, mode: f64, upper: f64) -> f64 {
        if upper == lower {
            return lower;
        }
        let u = self.uniform01();
        let c = (mode - lower) / (upper - lower);
        if u <= c {
            lower + ((upper - lower) * (mode - lower) * u).sqrt()
        } else {
            upper - ((upper - lower) * (upper - mode) * (1.0 - u)).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ciw's walk: the first index whose running sum reaches `u`, else the last.
    fn walk(u: f64, sums: &[f64]) -> usize {
        sums.iter().position(|&c| u <= c).unwrap_or(sums.len() - 1)
    }

    #[test]
    fn weighted_index_finds_what_ciws_walk_finds_for_short_and_long_rows() {
        let mut rng = Pcg::new(7);
        let mut rows = rng.clone();
        for len in 1..=20 {
            for _ in 0..500 {
                // Rows with zeros, repeats and a total that may fall short of 1.
                let probs: Vec<f64> = (0..len)
                    .map(|_| {
                        let p = rows.uniform01();
                        if p < 0.3 { 0.0 } else { (p * 4.0).floor() / 16.0 }
                    })
                    .collect();
                let sums = running_sums(&probs);
                let u = rng.clone().uniform01();
                assert_eq!(rng.weighted_index(&sums), walk(u, &sums), "u {u} over {sums:?}");
            }
        }
    }
}
