//! Python's `random` module, bit for bit: the Mersenne Twister MT19937 seeded the
//! way `random.seed(int)` seeds it, and the variate algorithms of CPython 3.11
//! (`random()`, `expovariate`, `normalvariate`, `gammavariate`, ...), which is
//! what Ciw draws with. This is the generator behind [`crate::RngKind::Ciw`].

use crate::numpy_random::NumpyRandom;
use crate::random::RandomSource;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The generator of CPython's `random.Random`, seeded as `random.seed(seed)`.
///
/// ```
/// use queue_sim::{PythonRandom, RandomSource};
/// let mut r = PythonRandom::new(0);
/// // Python: random.seed(0); random.random() == 0.8444218515250481
/// assert_eq!(r.uniform01(), 0.8444218515250481);
/// ```
#[derive(Clone)]
pub struct PythonRandom {
    state: Box<[u32; N]>,
    index: usize,
    /// Ciw's numpy stream (`ciw.rng = numpy.random.default_rng(seed)`),
    /// from which Ciw draws Poisson, geometric and binomial variates.
    numpy: NumpyRandom,
}

impl std::fmt::Debug for PythonRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PythonRandom").field("index", &self.index).finish_non_exhaustive()
    }
}

impl PythonRandom {
    /// Seeds like Python's `random.seed(seed)` for a non-negative integer: the
    /// key of `init_by_array` is the 32-bit words of `seed`, least significant
    /// first (`[0]` for zero).
    pub fn new(seed: u64) -> Self {
        let lo = seed as u32;
        let hi = (seed >> 32) as u32;
        if hi == 0 { Self::from_key(&[lo]) } else { Self::from_key(&[lo, hi]) }
    }

    /// Seeds by MT19937's `init_by_array` over `key`. Ciw's numpy stream is
    /// seeded with the key's first two words (as the `u64` that
    /// [`PythonRandom::new`] splits into them), as `ciw.seed` seeds both.
    pub fn from_key(key: &[u32]) -> Self {
        let seed = key.iter().take(2).rev().fold(0u64, |acc, &w| (acc << 32) | u64::from(w));
        let mut mt = Self::from_u32(19_650_218, seed);
        let s = &mut mt.state;
        let (mut i, mut j) = (1usize, 0usize);
        let len = key.len().max(1);
        for _ in 0..N.max(len) {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(key.get(j).copied().unwrap_or(0))
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
            if j >= len {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
        }
        s[0] = 0x8000_0000;
        mt
    }

    /// MT19937's `init_genrand` (and numpy's stream seeded with
    /// `numpy_seed`).
    fn from_u32(seed: u32, numpy_seed: u64) -> Self {
        let mut state = Box::new([0u32; N]);
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Self { state, index: N, numpy: NumpyRandom::new(numpy_seed) }
    }

    fn twist(&mut self) {
        let s = &mut self.state;
        for k in 0..N {
            let y = (s[k] & UPPER_MASK) | (s[(k + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 0 { 0 } else { MATRIX_A };
            s[k] = s[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// The next 32-bit output (`genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }
}

/// `4 * exp(-0.5) / sqrt(2)` as Python's `random.NV_MAGICCONST`.
fn nv_magic() -> f64 {
    4.0 * (-0.5f64).exp() / 2.0f64.sqrt()
}

impl RandomSource for PythonRandom {
    /// True: this is the generator of Ciw mode.
    fn ciw_conventions(&self) -> bool {
        true
    }

    /// `random.random()`: 53 bits from two outputs.
    #[inline]
    fn uniform01(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.expovariate(rate)`.
    #[inline]
    fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.uniform01()).ln() / rate
    }

    /// `random.normalvariate(mean, sd)` (Kinderman and Monahan).
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let magic = nv_magic();
        loop {
            let u1 = self.uniform01();
            let u2 = 1.0 - self.uniform01();
            let z = magic * (u1 - 0.5) / u2;
            let zz = z * z / 4.0;
            if zz <= -u2.ln() {
                return mean + z * sd;
            }
        }
    }

    /// `random.gammavariate(shape, scale)`.
    fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        if shape > 1.0 {
            let ainv = (2.0 * shape - 1.0).sqrt();
            let bbb = shape - 4.0f64.ln();
            let ccc = shape + ainv;
            let sg_magic = 1.0 + 4.5f64.ln();
            loop {
                let u1 = self.uniform01();
                if !(1e-7 < u1 && u1 < 0.9999999) {
                    continue;
                }
                let u2 = 1.0 - self.uniform01();
                let v = (u1 / (1.0 - u1)).ln() / ainv;
                let x = shape * v.exp();
                let z = u1 * u1 * u2;
                let r = bbb + ccc * v - x;
                if r + sg_magic - 4.5 * z >= 0.0 || r >= z.ln() {
                    return x * scale;
                }
            }
        } else if shape == 1.0 {
            -(1.0 - self.uniform01()).ln() * scale
        } else {
            let e = std::f64::consts::E;
            loop {
                let u = self.uniform01();
                let b = (e + shape) / e;
                let p = b * u;
                let x = if p <= 1.0 { p.powf(1.0 / shape) } else { -((b - p) / shape).ln() };
                let u1 = self.uniform01();
                let accept = if p > 1.0 { u1 <= x.powf(shape - 1.0) } else { u1 <= (-x).exp() };
                if accept {
                    return x * scale;
                }
            }
        }
    }

    /// `random.weibullvariate(scale, shape)`.
    fn weibull(&mut self, scale: f64, shape: f64) -> f64 {
        let u = 1.0 - self.uniform01();
        scale * (-u.ln()).powf(1.0 / shape)
    }

    /// Ciw's `ciw.rng.poisson(rate)`, from numpy's stream (NaN for a rate
    /// numpy refuses, which validation keeps out).
    fn poisson(&mut self, rate: f64) -> f64 {
        self.numpy.poisson(rate).map_or(f64::NAN, |k| k as f64)
    }

    /// Ciw's `ciw.rng.geometric(prob)`, from numpy's stream.
    fn geometric(&mut self, prob: f64) -> f64 {
        self.numpy.geometric(prob).map_or(f64::NAN, |k| k as f64)
    }

    /// Ciw's `ciw.rng.binomial(n, prob)`, from numpy's stream.
    fn binomial(&mut self, n: u32, prob: f64) -> f64 {
        self.numpy.binomial(i64::from(n), prob).map_or(f64::NAN, |k| k as f64)
    }

    /// `random.triangular(lower, upper, mode)`.
    fn triangular(&mut self, lower: f64, mode: f64, upper: f64) -> f64 {
        let mut u = self.uniform01();
        if upper == lower {
            return lower;
        }
        let mut c = (mode - lower) / (upper - lower);
        let (mut low, mut high) = (lower, upper);
        if u > c {
            u = 1.0 - u;
            c = 1.0 - c;
            std::mem::swap(&mut low, &mut high);
        }
        low + (high - low) * (u * c).sqrt()
    }
}

#[cfg(test)]
mod tests;
