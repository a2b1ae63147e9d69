//! numpy's `default_rng(seed)` bit for bit: `Generator(PCG64(SeedSequence(seed)))`
//! for an integer seed, with numpy's algorithms for `random`,
//! `standard_exponential`, `poisson`, `geometric` and `binomial`.
//!
//! Ciw 3.2.7 keeps such a generator in `ciw.rng` (`ciw.seed(z)` sets it to
//! `numpy.random.default_rng(seed=z)`, next to `random.seed(z)`) and draws
//! from it, and only from it, in `Poisson.sample` (`ciw.rng.poisson(lam=rate)`),
//! `Geometric.sample` (`ciw.rng.geometric(p=prob)`), `Binomial.sample`
//! (`ciw.rng.binomial(n=n, p=prob)`) and `PoissonIntervals` (one
//! `ciw.rng.poisson(rate * width)` per interval). Every other Ciw draw comes
//! from Python's `random` ([`crate::PythonRandom`]).
//!
//! The pieces, as numpy 2.4 defines them (reimplemented from its
//! documented algorithms, checked against numpy 2.4.6 by the golden values
//! of `tests/numpy/golden.py`):
//!
//! * `SeedSequence`: the seed's 32-bit words (least significant first, `[0]`
//!   for zero) hashed into a pool of four words, then eight output words
//!   hashed out of the pool, read as four little-endian 64-bit words.
//! * PCG64: a 128-bit LCG (state `s` and increment from those words) with
//!   the XSL-RR output; the state advances before each output.
//!   Uniform doubles are `(next_u64 >> 11) * 2^-53`. (numpy also buffers the
//!   halves of a 64-bit word for 32-bit draws; none of these variates uses
//!   them, so this generator has no such buffer.)
//! * The variates follow numpy's `distributions.c` operation by operation
//!   (same conversions between integers and doubles, same order of
//!   floating-point operations, the same libm `exp`, `log`, `log1p`), so
//!   draws and the number of words they use are identical. The exponential
//!   ziggurat's tables (`ziggurat.rs`) are read out of numpy's compiled
//!   library by `golden.py`: the acceptance bounds cannot be recomputed
//!   exactly from the published construction.
//!
//! Limits of "bit for bit": `exp`, `log` and `log1p` are the platform's libm,
//! as in numpy, so the two agree where they share one (glibc on Linux, where
//! the goldens were made). Doubles beyond `i64` convert as numpy's C does on
//! x86-64 (to `i64::MIN`, see `c_cast_i64`). numpy's geometric search can
//! loop for ever with a chance below 1e-15 per draw; this one stops there
//! (see `geometric_search`).

mod ziggurat;

#[cfg(test)]
mod tests;

use ziggurat::{FE, KE, WE};

/// Right edge of the exponential ziggurat's base layer (numpy's
/// `ziggurat_exp_r`).
const ZIGGURAT_EXP_R: f64 = 7.697_117_470_131_05;

/// 2^-53, the spacing of numpy's uniform doubles.
const DOUBLE_UNIT: f64 = 1.0 / 9_007_199_254_740_992.0;

/// PCG64's 128-bit multiplier (PCG's default for 128-bit states).
const PCG_MULTIPLIER: u128 = (2_549_297_995_355_413_924_u128 << 64) | 4_865_540_595_714_422_341;

// SeedSequence's hashing constants.
const POOL_SIZE: usize = 4;
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;

/// A parameter numpy's `Generator` would reject (with a `ValueError`); no
/// word is drawn when one is returned.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NumpyParamError {
    /// `poisson`'s `lam` is negative, NaN or above [`NumpyRandom::POISSON_LAM_MAX`].
    #[error("numpy poisson: lam must be >= 0 and <= {max:e}, got {0}", max = NumpyRandom::POISSON_LAM_MAX)]
    PoissonLam(f64),
    /// `geometric`'s `p` is not in (0, 1] (or is NaN).
    #[error("numpy geometric: p must be in (0, 1], got {0}")]
    GeometricP(f64),
    /// `binomial`'s `n` is negative.
    #[error("numpy binomial: n must be >= 0, got {0}")]
    BinomialN(i64),
    /// `binomial`'s `p` is not in [0, 1] (or is NaN).
    #[error("numpy binomial: p must be in [0, 1], got {0}")]
    BinomialP(f64),
}

/// numpy's `default_rng(seed)`: PCG64 seeded through `SeedSequence(seed)`,
/// with the `Generator` methods Ciw draws from.
///
/// ```
/// use queue_sim::NumpyRandom;
/// let mut r = NumpyRandom::new(0);
/// // numpy: numpy.random.default_rng(0).random() == 0.6369616873214543
/// assert_eq!(r.random(), 0.6369616873214543);
/// // then .poisson(3.0), .geometric(0.2), .binomial(40, 0.7) give 1, 1, 25
/// assert_eq!(r.poisson(3.0)?, 1);
/// assert_eq!(r.geometric(0.2)?, 1);
/// assert_eq!(r.binomial(40, 0.7)?, 25);
/// # Ok::<(), queue_sim::NumpyParamError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumpyRandom {
    state: u128,
    inc: u128,
}

impl NumpyRandom {
    /// The largest `lam` numpy's `Generator.poisson` accepts: `i64::MAX` less
    /// ten of its square roots, computed in doubles as numpy does.
    pub const POISSON_LAM_MAX: f64 = 9.223_372_006_484_771e18;

    /// The generator of `numpy.random.default_rng(seed)` (and so of `ciw.rng`
    /// after `ciw.seed(seed)`).
    pub fn new(seed: u64) -> Self {
        let words = seed_sequence_u64x4(seed);
        let initstate = (u128::from(words[0]) << 64) | u128::from(words[1]);
        let initseq = (u128::from(words[2]) << 64) | u128::from(words[3]);
        let mut rng = Self { state: 0, inc: (initseq << 1) | 1 };
        rng.step();
        rng.state = rng.state.wrapping_add(initstate);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULTIPLIER).wrapping_add(self.inc);
    }

    /// The next 64-bit word (numpy: `bit_generator.random_raw()`).
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        // XSL-RR: fold the halves, rotate by the top six bits.
        let hi = (self.state >> 64) as u64;
        let lo = self.state as u64;
        let rot = (self.state >> 122) as u32;
        (hi ^ lo).rotate_right(rot)
    }

    /// A uniform double in [0, 1) from one word (numpy: `random()`).
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * DOUBLE_UNIT
    }

    /// A standard exponential variate by numpy's ziggurat (numpy:
    /// `standard_exponential()`, whose default method is the ziggurat).
    pub fn standard_exponential(&mut self) -> f64 {
        loop {
            let bits = self.next_u64() >> 3;
            let idx = (bits & 0xff) as usize;
            let ri = bits >> 8;
            let x = ri as f64 * WE[idx];
            if ri < KE[idx] {
                return x;
            }
            if idx == 0 {
                // The tail beyond the base layer: 1 - U keeps log away from 0.
                return ZIGGURAT_EXP_R - (-self.random()).ln_1p();
            }
            if (FE[idx - 1] - FE[idx]) * self.random() + FE[idx] < (-x).exp() {
                return x;
            }
        }
    }

    /// A Poisson variate with mean `lam` (numpy: `poisson(lam)`): 0 without a
    /// draw for `lam == 0`, multiplication of uniforms below 10, Hörmann's
    /// PTRS transformed rejection from 10 on.
    ///
    /// # Errors
    ///
    /// [`NumpyParamError::PoissonLam`] if `lam` is negative, NaN or above
    /// [`NumpyRandom::POISSON_LAM_MAX`], as numpy.
    pub fn poisson(&mut self, lam: f64) -> Result<i64, NumpyParamError> {
        // NaN is in no range, and so rejected, like numpy's checks.
        if !(0.0..=Self::POISSON_LAM_MAX).contains(&lam) {
            return Err(NumpyParamError::PoissonLam(lam));
        }
        Ok(if lam >= 10.0 {
            self.poisson_ptrs(lam)
        } else if lam == 0.0 {
            0
        } else {
            self.poisson_mult(lam)
        })
    }

    fn poisson_mult(&mut self, lam: f64) -> i64 {
        let enlam = (-lam).exp();
        let mut x = 0;
        let mut prod = 1.0;
        loop {
            prod *= self.random();
            if prod > enlam {
                x += 1;
            } else {
                return x;
            }
        }
    }

    fn poisson_ptrs(&mut self, lam: f64) -> i64 {
        let slam = lam.sqrt();
        let loglam = lam.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let invalpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.random() - 0.5;
            let v = self.random();
            let us = 0.5 - u.abs();
            // Beyond i64 (us near 0, or lam near its maximum) this is
            // i64::MIN, as numpy's C cast on x86-64, and so rejected below.
            let k = c_cast_i64(((2.0 * a / us + b) * u + lam + 0.43).floor());
            if us >= 0.07 && v <= vr {
                return k;
            }
            if k < 0 || (us < 0.013 && v > us) {
                continue;
            }
            let lhs = v.ln() + invalpha.ln() - (a / (us * us) + b).ln();
            let rhs = -lam + k as f64 * loglam - loggam(k as f64 + 1.0);
            if lhs <= rhs {
                return k;
            }
        }
    }

    /// A geometric variate on {1, 2, ...}: trials up to the first success of
    /// probability `p` (numpy: `geometric(p)`): a sequential search for
    /// `p >= 1/3`, `ceil(-E / log1p(-p))` from one exponential `E` below.
    ///
    /// # Errors
    ///
    /// [`NumpyParamError::GeometricP`] unless `0 < p <= 1`, as numpy.
    pub fn geometric(&mut self, p: f64) -> Result<i64, NumpyParamError> {
        if !(p > 0.0 && p <= 1.0) {
            return Err(NumpyParamError::GeometricP(p));
        }
        if p >= 0.333_333_333_333_333_3 {
            Ok(geometric_search(self.random(), p))
        } else {
            let z = (-self.standard_exponential() / (-p).ln_1p()).ceil();
            // 2^63, the first double above i64::MAX: numpy caps there.
            Ok(if z >= 9.223_372_036_854_776e18 { i64::MAX } else { z as i64 })
        }
    }

    /// A binomial variate: successes in `n` trials of probability `p` (numpy:
    /// `binomial(n, p)`): 0 without a draw if `n == 0` or `p == 0`;
    /// otherwise with `r = min(p, 1 - p)`, inversion when `n * r <= 30` and
    /// BTPE (Kachitvichyanukul and Schmeiser) above, counting failures when
    /// `p > 1/2`.
    ///
    /// numpy's `Generator` caches the set-up values of the last `(n, p)`; they
    /// are a pure function of `(n, p)`, so recomputing them, as here, gives
    /// the same draws.
    ///
    /// # Errors
    ///
    /// [`NumpyParamError::BinomialN`] if `n < 0`,
    /// [`NumpyParamError::BinomialP`] unless `0 <= p <= 1`, as numpy.
    pub fn binomial(&mut self, n: i64, p: f64) -> Result<i64, NumpyParamError> {
        if n < 0 {
            return Err(NumpyParamError::BinomialN(n));
        }
        if !(0.0..=1.0).contains(&p) {
            return Err(NumpyParamError::BinomialP(p));
        }
        if n == 0 || p == 0.0 {
            return Ok(0);
        }
        let nf = n as f64;
        Ok(if p <= 0.5 {
            if p * nf <= 30.0 { self.binomial_inversion(n, p) } else { self.binomial_btpe(n, p) }
        } else {
            let q = 1.0 - p;
            if q * nf <= 30.0 { n - self.binomial_inversion(n, q) } else { n - self.binomial_btpe(n, q) }
        })
    }

    /// Inversion for `0 < p <= 1/2`, `n * p <= 30`, restarting past a bound
    /// ten standard deviations above the mean.
    fn binomial_inversion(&mut self, n: i64, p: f64) -> i64 {
        let nf = n as f64;
        let q = 1.0 - p;
        let qn = (nf * (-p).ln_1p()).exp();
        let np = nf * p;
        let limit = np + 10.0 * (np * q + 1.0).sqrt();
        let bound = if nf < limit { nf } else { limit } as i64;
        let mut x = 0;
        let mut px = qn;
        let mut u = self.random();
        while u > px {
            x += 1;
            if x > bound {
                x = 0;
                px = qn;
                u = self.random();
            } else {
                u -= px;
                px = ((n - x + 1) as f64 * p * px) / (x as f64 * q);
            }
        }
        x
    }

    /// BTPE for `0 < p <= 1/2`, `n * p > 30`.
    fn binomial_btpe(&mut self, n: i64, p: f64) -> i64 {
        let s = BtpeSetup::new(n, p);
        let nf = n as f64;
        let (r, q, m, xm) = (s.r, s.q, s.m, s.xm);
        let mf = m as f64;
        loop {
            let nrq = nf * r * q;
            let u = self.random() * s.p4;
            let mut v = self.random();
            let y;
            if u <= s.p1 {
                // Inside the triangle: accept at once.
                return s.finish(n, p, (xm - s.p1 * v + u).floor() as i64);
            } else if u <= s.p2 {
                // The parallelograms.
                let x = s.xl + (u - s.p1) / s.c;
                v = v * s.c + 1.0 - (mf - x + 0.5).abs() / s.p1;
                if v > 1.0 {
                    continue;
                }
                y = x.floor() as i64;
            } else if u <= s.p3 {
                // The left exponential tail.
                y = (s.xl + v.ln() / s.laml).floor() as i64;
                if y < 0 || v == 0.0 {
                    continue;
                }
                v = v * (u - s.p2) * s.laml;
            } else {
                // The right exponential tail.
                y = (s.xr - v.ln() / s.lamr).floor() as i64;
                if y > n || v == 0.0 {
                    continue;
                }
                v = v * (u - s.p3) * s.lamr;
            }
            let k = (y - m).abs();
            if k > 20 && (k as f64) < nrq / 2.0 - 1.0 {
                // Squeeze on log(f(y) / f(m)), then Stirling's bound.
                let kf = k as f64;
                let rho = (kf / nrq) * ((kf * (kf / 3.0 + 0.625) + 0.166_666_666_666_666_66) / nrq + 0.5);
                // numpy negates and squares k in 64-bit integers.
                let t = (k.wrapping_neg().wrapping_mul(k)) as f64 / (2.0 * nrq);
                let a = v.ln();
                if a < t - rho {
                    return s.finish(n, p, y);
                }
                if a > t + rho {
                    continue;
                }
                let x1 = y as f64 + 1.0;
                let f1 = mf + 1.0;
                let z = nf + 1.0 - mf;
                let w = nf - y as f64 + 1.0;
                let bound = xm * (f1 / x1).ln()
                    + ((n - m) as f64 + 0.5) * (z / w).ln()
                    + (y - m) as f64 * (w * r / (x1 * q)).ln()
                    + stirling_tail(f1)
                    + stirling_tail(z)
                    + stirling_tail(x1)
                    + stirling_tail(w);
                if a > bound {
                    continue;
                }
                return s.finish(n, p, y);
            }
            // Explicit ratio f(y) / f(m) by recursion.
            let ratio = r / q;
            // numpy's `n + 1` in 64-bit integers (wraps for n = i64::MAX).
            let a = ratio * n.wrapping_add(1) as f64;
            let mut f = 1.0;
            if m < y {
                for i in m + 1..=y {
                    f *= a / i as f64 - ratio;
                }
            } else if m > y {
                for i in y + 1..=m {
                    f /= a / i as f64 - ratio;
                }
            }
            if v > f {
                continue;
            }
            return s.finish(n, p, y);
        }
    }
}

/// numpy's sequential search for the geometric: the first `x` whose
/// cumulative probability, summed term by term, reaches `u`.
///
/// For about a quarter of the `p` in [1/3, 1) the sum stops growing a few
/// 2^-53 short of 1; a `u` above it (a chance below 1e-15 per draw) makes
/// numpy loop for ever. Here the search stops at the first term that no
/// longer changes the sum and returns its `x`: the one place this generator
/// departs from numpy, which returns nothing there.
fn geometric_search(u: f64, p: f64) -> i64 {
    let q = 1.0 - p;
    let mut x = 1;
    let mut prod = p;
    let mut sum = p;
    while u > sum {
        prod *= q;
        let next = sum + prod;
        x += 1;
        if next == sum {
            break;
        }
        sum = next;
    }
    x
}

/// C's conversion of a double to `int64_t` as compiled for x86-64 (numpy's
/// `(RAND_INT_TYPE)floor(...)`): exact in range, `i64::MIN` (the "integer
/// indefinite" value) for NaN and anything outside, where Rust's `as` would
/// saturate.
fn c_cast_i64(x: f64) -> i64 {
    // -2^63 is in range; 2^63 is the first double above i64::MAX.
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x) { x as i64 } else { i64::MIN }
}

/// BTPE's set-up for one `(n, p)`: the mode, the triangle, parallelograms
/// and exponential tails of the majorizing function.
struct BtpeSetup {
    r: f64,
    q: f64,
    m: i64,
    p1: f64,
    xm: f64,
    xl: f64,
    xr: f64,
    c: f64,
    laml: f64,
    lamr: f64,
    p2: f64,
    p3: f64,
    p4: f64,
}

impl BtpeSetup {
    fn new(n: i64, p: f64) -> Self {
        let nf = n as f64;
        let r = if p < 1.0 - p { p } else { 1.0 - p };
        let q = 1.0 - r;
        let fm = nf * r + r;
        let m = fm.floor() as i64;
        let mf = m as f64;
        let p1 = (2.195 * (nf * r * q).sqrt() - 4.6 * q).floor() + 0.5;
        let xm = mf + 0.5;
        let xl = xm - p1;
        let xr = xm + p1;
        let c = 0.134 + 20.5 / (15.3 + mf);
        let a = (fm - xl) / (fm - xl * r);
        let laml = a * (1.0 + a / 2.0);
        let a = (xr - fm) / (xr * q);
        let lamr = a * (1.0 + a / 2.0);
        let p2 = p1 * (1.0 + 2.0 * c);
        let p3 = p2 + c / laml;
        let p4 = p3 + c / lamr;
        Self { r, q, m, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4 }
    }

    /// numpy's last step: count failures when `p > 1/2` (never the case for
    /// the `p` BTPE is called with, kept so the function stands alone).
    fn finish(&self, n: i64, p: f64, y: i64) -> i64 {
        if p > 0.5 { n - y } else { y }
    }
}

/// The correction term of Stirling's series at `x`, divided as BTPE does.
fn stirling_tail(x: f64) -> f64 {
    let x2 = x * x;
    (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x / 166_320.
}

/// numpy's `random_loggam`: log Γ(x) by the asymptotic series (Zhang and
/// Jin's SPECFUN), shifted up to 7 and back by logs for `x < 7`.
fn loggam(x: f64) -> f64 {
    const A: [f64; 10] = [
        8.333_333_333_333_333e-2,
        -2.777_777_777_777_778e-3,
        7.936_507_936_507_937e-4,
        -5.952_380_952_380_952e-4,
        8.417_508_417_508_418e-4,
        -1.917_526_917_526_918e-3,
        6.410_256_410_256_41e-3,
        -2.955_065_359_477_124e-2,
        1.796_443_723_688_307e-1,
        -1.392_432_216_905_9,
    ];
    // log(2 pi)
    const LG2PI: f64 = 1.837_877_066_409_345_3;
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let n: i64 = if x < 7.0 { (7.0 - x) as i64 } else { 0 };
    let mut x0 = x + n as f64;
    let x2 = (1.0 / x0) * (1.0 / x0);
    let mut gl0 = A[9];
    for &a in A[..9].iter().rev() {
        gl0 *= x2;
        gl0 += a;
    }
    let mut gl = gl0 / x0 + 0.5 * LG2PI + (x0 - 0.5) * x0.ln() - x0;
    if x < 7.0 {
        for _ in 0..n {
            gl -= (x0 - 1.0).ln();
            x0 -= 1.0;
        }
    }
    gl
}

/// `SeedSequence(seed).generate_state(4, uint64)`: the seed's 32-bit words
/// mixed into a four-word pool, eight words hashed out of it, paired
/// little-endian.
fn seed_sequence_u64x4(seed: u64) -> [u64; 4] {
    // The seed's words, least significant first; zero is one word, [0].
    let lo = seed as u32;
    let hi = (seed >> 32) as u32;
    let entropy: &[u32] = if hi == 0 { &[lo] } else { &[lo, hi] };

    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| {
        let mut value = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        value = value.wrapping_mul(hash_const);
        value ^ (value >> XSHIFT)
    };
    let mix = |x: u32, y: u32| {
        let result = MIX_MULT_L.wrapping_mul(x).wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        result ^ (result >> XSHIFT)
    };
    let mut pool = [0u32; POOL_SIZE];
    for (i, slot) in pool.iter_mut().enumerate() {
        *slot = hashmix(entropy.get(i).copied().unwrap_or(0));
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                let hashed = hashmix(pool[src]);
                pool[dst] = mix(pool[dst], hashed);
            }
        }
    }
    // numpy then mixes in entropy words beyond the pool's four; a u64 seed
    // has at most two.

    let mut hash_const = INIT_B;
    let mut words = [0u32; 8];
    for (i, out) in words.iter_mut().enumerate() {
        let mut value = pool[i % POOL_SIZE] ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        value = value.wrapping_mul(hash_const);
        *out = value ^ (value >> XSHIFT);
    }
    let mut state = [0u64; 4];
    for (i, out) in state.iter_mut().enumerate() {
        *out = u64::from(words[2 * i]) | (u64::from(words[2 * i + 1]) << 32);
    }
    state
}
