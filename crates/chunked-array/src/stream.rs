//! The values of a seeded random array: element `i` is a function of the
//! seed and `i` alone (a SplitMix64 word per element, rand_distr's
//! samplers on it), so every chunking gives the same values.

use std::sync::Arc;

use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
const NORMAL_DOMAIN: u64 = 0x6e6f_726d_616c_0001;
const UNIFORM_DOMAIN: u64 = 0x756e_6966_6f72_6d02;
const SECONDARY: u64 = 0xD1B5_4A32_D192_ED03;
const INTEGERS_DOMAIN: u64 = 0x696e_7465_6765_7203;
const EXPONENTIAL_DOMAIN: u64 = 0x6578_706f_6e65_6e04;
const POISSON_DOMAIN: u64 = 0x706f_6973_736f_6e05;
const BINOMIAL_DOMAIN: u64 = 0x6269_6e6f_6d69_6106;
const CHOICE_DOMAIN: u64 = 0x6368_6f69_6365_0007;

/// SplitMix64's finalizer (Stafford's Mix13): a bijection of `u64` with
/// full avalanche.
#[inline(always)]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// MurmurHash3's 64-bit finalizer, for the secondary words.
#[inline(always)]
fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

/// A distribution of a seeded random array.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Dist {
    /// `mean + sd * z`, `z` standard normal.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// Uniform on `[low, high)`.
    Uniform {
        /// The lower bound.
        low: f64,
        /// The upper bound.
        high: f64,
    },
    /// Uniform integers in `[low, high)`.
    Integers(rand::distr::Uniform<i64>),
    /// Exponential with this scale (`1 / rate`).
    Exponential(f64),
    /// Poisson.
    Poisson(rand_distr::Poisson<f64>),
    /// Binomial.
    Binomial(rand_distr::Binomial),
    /// One of `values`, uniformly or by the cumulative probabilities.
    Choice { values: Arc<[f64]>, cdf: Option<Arc<[f64]>> },
}

/// The values of one seeded random array, by flat index.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    key: u64,
    dist: Dist,
}

impl Stream {
    pub(crate) fn new(seed: u64, dist: Dist) -> Self {
        let domain = match dist {
            Dist::Normal { .. } => NORMAL_DOMAIN,
            Dist::Uniform { .. } => UNIFORM_DOMAIN,
            Dist::Integers(_) => INTEGERS_DOMAIN,
            Dist::Exponential(_) => EXPONENTIAL_DOMAIN,
            Dist::Poisson(_) => POISSON_DOMAIN,
            Dist::Binomial(_) => BINOMIAL_DOMAIN,
            Dist::Choice { .. } => CHOICE_DOMAIN,
        };
        Self { key: mix64(seed ^ domain), dist }
    }

    /// The word of element `index`.
    #[cfg(test)]
    fn word(&self, index: u64) -> u64 {
        mix64(self.key.wrapping_add(index.wrapping_add(1).wrapping_mul(GOLDEN)))
    }

    /// The value of element `index`.
    #[cfg(test)]
    pub(crate) fn value(&self, index: u64) -> f64 {
        let mut out = [0.0];
        self.fill(index, &mut out);
        out[0]
    }

    /// Writes elements `start, start + 1, ...` into `out`.
    pub(crate) fn fill(&self, start: u64, out: &mut [f64]) {
        // The SplitMix64 state before element `start`'s word; one addition
        // a step.
        let state = self.key.wrapping_add(start.wrapping_add(1).wrapping_mul(GOLDEN));
        match &self.dist {
            &Dist::Normal { mean, sd } if mean == 0.0 && sd == 1.0 => fill_with(state, out, normal_draw),
            &Dist::Normal { mean, sd } => fill_with(state, out, |w| mean + sd * normal_draw(w)),
            &Dist::Uniform { low, high } => {
                let width = high - low;
                fill_with(state, out, |w| low + width * unit(w))
            }
            // Integers up to 2^53 in magnitude are exact in f64 (checked
            // when the array is made).
            Dist::Integers(u) => fill_with(state, out, |w| u.sample(&mut ElementRng::new(w)) as f64),
            &Dist::Exponential(scale) => fill_with(state, out, |w| {
                scale * Distribution::<f64>::sample(&rand_distr::Exp1, &mut ElementRng::new(w))
            }),
            Dist::Poisson(p) => fill_with(state, out, |w| p.sample(&mut ElementRng::new(w))),
            // Counts up to n < 2^53, exact in f64.
            Dist::Binomial(b) => fill_with(state, out, |w| b.sample(&mut ElementRng::new(w)) as f64),
            Dist::Choice { values, cdf: None } => {
                let n = values.len() as u64;
                // Lemire's multiply: the high word of w * n, uniform up to
                // a bias below n / 2^64.
                fill_with(state, out, |w| values[((u128::from(w) * u128::from(n)) >> 64) as usize])
            }
            Dist::Choice { values, cdf: Some(cdf) } => fill_with(state, out, |w| {
                let u = unit(w);
                let k = cdf.partition_point(|&c| c <= u).min(values.len() - 1);
                values[k]
            }),
        }
    }
}

/// Fills `out` with `f` of consecutive SplitMix64 words from `state`.
#[inline(always)]
fn fill_with(mut state: u64, out: &mut [f64], f: impl Fn(u64) -> f64) {
    for x in out {
        *x = f(mix64(state));
        state = state.wrapping_add(GOLDEN);
    }
}

/// A uniform draw in `[0, 1)` from the top 53 bits of a word.
#[inline(always)]
fn unit(w: u64) -> f64 {
    // Below 2^53, so the signed conversion (one instruction) is exact.
    ((w >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw from an element's word: rand_distr's ziggurat
/// `StandardNormal` on the element's generator, whose first word is `w`
/// (the ziggurat's first step, which accepts about 98.8% of the time, uses
/// only that word; rejections draw secondary words).
#[inline(always)]
fn normal_draw(w: u64) -> f64 {
    StandardNormal.sample(&mut ElementRng { first: w, state: w ^ SECONDARY, fresh: true })
}

/// The generator of one element: `first`, then the secondary words.
struct ElementRng {
    first: u64,
    state: u64,
    fresh: bool,
}

impl ElementRng {
    #[inline(always)]
    fn new(w: u64) -> Self {
        Self { first: w, state: w ^ SECONDARY, fresh: true }
    }
}

impl RngCore for ElementRng {
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        if self.fresh {
            self.fresh = false;
            self.first
        } else {
            self.state = self.state.wrapping_add(GOLDEN);
            fmix64(self.state)
        }
    }

    #[inline]
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests;
