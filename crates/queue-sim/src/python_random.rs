//! Python's `random` module, bit for bit: the Mersenne Twister MT19937 seeded the
//! way `random.seed(int)` seeds it, and the variate algorithms of CPython 3.11
//! (`random()`, `expovariate`, `normalvariate`, `gammavariate`, ...), which is
//! what Ciw draws with. This is the generator behind [`crate::RngKind::Ciw`].

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

    /// Seeds by MT19937's `init_by_array` over `key`.
    pub fn from_key(key: &[u32]) -> Self {
        let mut mt = Self::from_u32(19_650_218);
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

    /// MT19937's `init_genrand`.
    fn from_u32(seed: u32) -> Self {
        let mut state = Box::new([0u32; N]);
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Self { state, index: N }
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
mod tests {
    use super::*;

    // Reference values printed by CPython 3.11.
    #[test]
    fn matches_cpython_random() {
        let mut r = PythonRandom::new(0);
        assert_eq!(r.uniform01(), 0.8444218515250481);
        assert_eq!(r.uniform01(), 0.7579544029403025);
        let mut r = PythonRandom::new(42);
        assert_eq!(r.uniform01(), 0.6394267984578837);
    }

    #[test]
    fn large_seeds_use_two_words() {
        // Python: random.seed(2**32 + 5); random.random()
        let mut r = PythonRandom::new((1 << 32) + 5);
        assert_eq!(r.uniform01(), 0.15727238718789782);
    }

    #[test]
    fn variates_match_cpython() {
        // Python: random.seed(7); [random.expovariate(0.5), random.normalvariate(1, 2),
        //   random.gammavariate(2.5, 1.5), random.gammavariate(0.5, 2), random.gammavariate(1.0, 3),
        //   random.weibullvariate(2, 1.5), random.triangular(1, 4, 2),
        //   random.lognormvariate(0.1, 0.5), random.uniform(2, 5)]
        let mut r = PythonRandom::new(7);
        let got = [
            r.exponential(0.5),
            r.normal(1.0, 2.0),
            r.gamma(2.5, 1.5),
            r.gamma(0.5, 2.0),
            r.gamma(1.0, 3.0),
            r.weibull(2.0, 1.5),
            r.triangular(1.0, 2.0, 4.0),
            r.lognormal(0.1, 0.5),
            r.uniform(2.0, 5.0),
        ];
        let want = [
            0.7826296884696086,
            -2.4318939669565562,
            1.0479425676758605,
            0.374897698579465,
            2.1243910076917585,
            0.2269161817236054,
            2.1565993658388622,
            0.7603873708071026,
            2.371405883448937,
        ];
        assert_eq!(got, want);
    }
    /// Sums `n` draws of `draw` from `random.seed(seed)`, left to right, and
    /// returns the sum and the `random()` that follows them: the second
    /// shows the draws took as many uniforms as CPython's.
    fn sum_then_next(seed: u64, n: usize, mut draw: impl FnMut(&mut PythonRandom) -> f64) -> (f64, f64) {
        let mut r = PythonRandom::new(seed);
        let mut sum = 0.0;
        for _ in 0..n {
            sum += draw(&mut r);
        }
        (sum, r.uniform01())
    }

    // Python 3.11: random.seed(SEED); s = 0.0
    //   for _ in range(2000): s += random.VARIATE(...)
    //   (s, random.random())
    // Two thousand draws reach the rejection loops' rarer branches.
    #[test]
    fn two_thousand_normal_draws_match_cpython() {
        let got = sum_then_next(11, 2000, |r| r.normal(0.5, 3.0));
        assert_eq!(got, (781.4173185996935, 0.24524649720040792));
    }

    #[test]
    fn two_thousand_exponential_and_weibull_draws_match_cpython() {
        let got = sum_then_next(20, 2000, |r| r.exponential(0.5));
        assert_eq!(got, (3977.020094773208, 0.7596695132213653));
        // random.weibullvariate(2.0, 1.5): scale 2, shape 1.5
        let got = sum_then_next(19, 2000, |r| r.weibull(2.0, 1.5));
        assert_eq!(got, (3564.5200720717044, 0.3331074401604124));
    }

    #[test]
    fn two_thousand_gamma_draws_match_cpython_for_shapes_above_one() {
        let got = sum_then_next(12, 2000, |r| r.gamma(2.5, 1.5));
        assert_eq!(got, (7674.7974315758365, 0.009963597583912409));
        let got = sum_then_next(13, 2000, |r| r.gamma(7.0, 0.5));
        assert_eq!(got, (6961.2149537649475, 0.04029588484251001));
        let got = sum_then_next(14, 2000, |r| r.gamma(1.2, 2.0));
        assert_eq!(got, (4816.885150162682, 0.45713322834598047));
    }

    #[test]
    fn two_thousand_gamma_draws_match_cpython_for_shapes_up_to_one() {
        let got = sum_then_next(15, 2000, |r| r.gamma(0.5, 2.0));
        assert_eq!(got, (2031.0364282703142, 0.9008964295230846));
        let got = sum_then_next(16, 2000, |r| r.gamma(0.9, 1.0));
        assert_eq!(got, (1817.0490852726468, 0.73627248051125));
        let got = sum_then_next(17, 2000, |r| r.gamma(0.2, 3.0));
        assert_eq!(got, (1246.396255681521, 0.4445795027479037));
        let got = sum_then_next(18, 2000, |r| r.gamma(1.0, 3.0));
        assert_eq!(got, (5990.72060276432, 0.1256557560511653));
    }

    #[test]
    fn gamma_above_one_rejects_a_first_uniform_too_close_to_one() {
        // Python: random.seed(4); the 14384th random() is 0.9999999346819587,
        // which gammavariate (shape > 1) throws away before drawing again:
        // random.seed(4); [random.random() for _ in range(14383)]
        // (random.gammavariate(2.5, 1.5), random.random())
        let mut r = PythonRandom::new(4);
        for _ in 0..14_383 {
            r.uniform01();
        }
        let mut peek = r.clone();
        assert_eq!(peek.uniform01(), 0.9999999346819587);
        assert_eq!((r.gamma(2.5, 1.5), r.uniform01()), (3.7867134824115016, 0.4534120774941922));
    }

    #[test]
    fn two_thousand_triangular_draws_match_cpython() {
        // random.triangular(low, high, mode); ours takes (lower, mode, upper).
        let got = sum_then_next(21, 2000, |r| r.triangular(1.0, 2.0, 4.0));
        assert_eq!(got, (4676.90276872641, 0.1720763995487512));
        let got = sum_then_next(22, 2000, |r| r.triangular(1.0, 1.0, 4.0));
        assert_eq!(got, (3986.709136160579, 0.36990740721978366));
        let got = sum_then_next(23, 2000, |r| r.triangular(1.0, 4.0, 4.0));
        assert_eq!(got, (5984.012937887562, 0.517743978023326));
    }

    #[test]
    fn a_triangular_of_zero_width_is_its_bound_and_still_takes_a_draw() {
        // Python: random.seed(24); [random.triangular(3, 3, 3) for _ in range(5)];
        // random.random() == 0.6708867302659983
        let got = sum_then_next(24, 5, |r| r.triangular(3.0, 3.0, 3.0));
        assert_eq!(got, (15.0, 0.6708867302659983));
    }

    #[test]
    fn a_key_longer_than_the_state_seeds_like_cpython() {
        // Python: key = [((i * 0x9E3779B9) + 1) & 0xffffffff for i in range(700)]
        // key[-1] |= 1; random.seed(sum(w << (32 * i) for i, w in enumerate(key)))
        // (random.random(), random.random())
        let mut key: Vec<u32> = (0..700u32).map(|i| i.wrapping_mul(0x9E37_79B9).wrapping_add(1)).collect();
        key[699] |= 1;
        assert_eq!(key[..3], [1, 2_654_435_770, 1_013_904_243]);
        assert_eq!(key[699], 24_730_661);
        let mut r = PythonRandom::from_key(&key);
        assert_eq!((r.uniform01(), r.uniform01()), (0.8833561939780249, 0.07358489961667913));
    }

    #[test]
    fn an_empty_key_seeds_like_zero_and_the_largest_seed_like_cpython() {
        let mut r = PythonRandom::from_key(&[]);
        assert_eq!(r.uniform01(), 0.8444218515250481);
        // Python: random.seed(2**64 - 1); random.random()
        let mut r = PythonRandom::new(u64::MAX);
        assert_eq!(r.uniform01(), 0.021825695401270107);
    }

    #[test]
    fn two_thousand_32_bit_outputs_match_cpython() {
        // Python: random.seed(3); s = 0
        //   for _ in range(2000): s ^= random.getrandbits(32)
        //   (s, random.getrandbits(32))
        let mut r = PythonRandom::new(3);
        let mut x = 0u32;
        for _ in 0..2000 {
            x ^= r.next_u32();
        }
        assert_eq!((x, r.next_u32()), (1_990_130_214, 869_119_255));
    }

    #[test]
    fn it_follows_ciws_conventions_and_debug_names_it() {
        let r = PythonRandom::new(0);
        assert!(r.ciw_conventions());
        let shown = format!("{r:?}");
        assert!(shown.starts_with("PythonRandom"), "{shown}");
        assert!(shown.contains("index: 624"), "{shown}");
    }
}
