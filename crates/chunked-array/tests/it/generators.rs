//! The further seeded generators: values depend on the seed and index
//! alone (any chunking, any executor), lie in their support, and have the
//! distribution's mean and variance within fixed-seed tolerances of
//! several standard errors.

use chunked_array::{Array, ArrayError, Chunks, random};
use executors::Executor;

fn values(a: &Array) -> Vec<f64> {
    a.compute(&Executor::sequential()).unwrap().iter().copied().collect()
}

/// Sample mean and variance.
fn moments(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0))
}

/// Asserts the sample mean and variance are within 5 standard errors of
/// the distribution's `mean` and `var`; `mu4`, the fourth central moment,
/// gives the sample variance's standard error,
/// `sqrt((mu4 - var^2 (n - 3) / (n - 1)) / n)`.
#[track_caller]
fn check(v: &[f64], mean: f64, var: f64, mu4: f64) {
    let (m, s2) = moments(v);
    let n = v.len() as f64;
    let se = (var / n).sqrt();
    assert!((m - mean).abs() < 5.0 * se, "mean {m}, want {mean} ± {se}");
    let se_var = ((mu4 - var * var * (n - 3.0) / (n - 1.0)) / n).sqrt();
    assert!((s2 - var).abs() < 5.0 * se_var, "variance {s2}, want {var} ± {se_var}");
}

const N: usize = 200_000;

#[test]
fn generators_have_their_distributions() {
    let ints = values(&random::integers(1, -3, 5, &[N], 50_000).unwrap());
    assert!(ints.iter().all(|&x| (-3.0..5.0).contains(&x) && x.fract() == 0.0));
    // k equally likely integers: variance (k^2 - 1) / 12, fourth moment
    // (k^2 - 1)(3k^2 - 7) / 240.
    check(&ints, 0.5, 63.0 / 12.0, 63.0 * 185.0 / 240.0);
    // Exponential of scale s: variance s^2, fourth moment 9 s^4.
    check(&values(&random::exponential(2, 3.0, &[N], 50_000).unwrap()), 3.0, 9.0, 9.0 * 81.0);
    let p = values(&random::poisson(3, 4.5, &[N], 50_000).unwrap());
    assert!(p.iter().all(|&x| x >= 0.0 && x.fract() == 0.0));
    // Poisson of mean l: variance l, fourth moment l (1 + 3 l).
    check(&p, 4.5, 4.5, 4.5 * (1.0 + 3.0 * 4.5));
    check(&values(&random::poisson(3, 700.0, &[N], 50_000).unwrap()), 700.0, 700.0, 700.0 * 2101.0);
    let b = values(&random::binomial(4, 20, 0.3, &[N], 50_000).unwrap());
    assert!(b.iter().all(|&x| (0.0..=20.0).contains(&x)));
    // Binomial: variance npq, fourth moment npq (1 + 3 (n - 2) pq).
    let npq = 20.0 * 0.3 * 0.7;
    check(&b, 6.0, npq, npq * (1.0 + 3.0 * 18.0 * 0.3 * 0.7));
    let c = values(&random::choice(5, &[1.0, 10.0, 100.0], Some(&[0.5, 0.3, 0.2]), &[N], 50_000).unwrap());
    let share = |v: f64| c.iter().filter(|&&x| x == v).count() as f64 / N as f64;
    for (v, p) in [(1.0, 0.5), (10.0, 0.3), (100.0, 0.2)] {
        let se = (p * (1.0 - p) / N as f64).sqrt();
        assert!((share(v) - p).abs() < 5.0 * se, "share of {v}: {}", share(v));
    }
    let u = values(&random::choice(6, &[2.0, 4.0], None, &[N], 50_000).unwrap());
    // Two values 1 either side of the mean: every fourth power is 1.
    check(&u, 3.0, 1.0, 1.0);
    assert!(values(&random::poisson(1, 0.0, &[10], 3).unwrap()).iter().all(|&x| x == 0.0));
}

/// Makes a seeded array of a shape and chunks.
type Maker = dyn Fn(&[usize], Chunks) -> Array;

#[test]
fn generators_depend_on_seed_and_index_alone() {
    let make: Vec<Box<Maker>> = vec![
        Box::new(|s, c| random::integers(9, 0, 1000, s, c).unwrap()),
        Box::new(|s, c| random::exponential(9, 1.5, s, c).unwrap()),
        Box::new(|s, c| random::poisson(9, 12.0, s, c).unwrap()),
        Box::new(|s, c| random::binomial(9, 50, 0.4, s, c).unwrap()),
        Box::new(|s, c| random::choice(9, &[1.0, 2.0, 3.0], Some(&[0.2, 0.2, 0.6]), s, c).unwrap()),
    ];
    for f in &make {
        let flat = values(&f(&[4 * 5 * 6], Chunks::Size(7)));
        for chunks in [Chunks::Size(1), Chunks::Sizes(vec![3, 2, 5]), Chunks::auto()] {
            let a = f(&[4, 5, 6], chunks);
            assert_eq!(values(&a), flat);
            for exec in crate::executors().into_iter().take(3) {
                assert_eq!(a.compute(&exec).unwrap().iter().copied().collect::<Vec<_>>(), flat);
            }
        }
    }
    // Different generators of one seed are unrelated streams.
    assert_ne!(
        values(&random::exponential(1, 1.0, &[8], 8).unwrap()),
        values(&random::exponential(2, 1.0, &[8], 8).unwrap())
    );
}

#[test]
fn generator_parameters_are_checked() {
    let bad = |r: Result<Array, ArrayError>| matches!(r, Err(ArrayError::InvalidParameter { .. }));
    assert!(bad(random::integers(0, 5, 5, &[3], 1)));
    assert!(bad(random::integers(0, 0, i64::MAX, &[3], 1)));
    assert!(bad(random::exponential(0, -1.0, &[3], 1)));
    assert!(bad(random::exponential(0, f64::NAN, &[3], 1)));
    assert!(bad(random::poisson(0, -2.0, &[3], 1)));
    assert!(bad(random::binomial(0, 10, 1.5, &[3], 1)));
    assert!(bad(random::choice(0, &[], None, &[3], 1)));
    assert!(bad(random::choice(0, &[1.0, 2.0], Some(&[0.5]), &[3], 1)));
    assert!(bad(random::choice(0, &[1.0, 2.0], Some(&[0.5, 0.6]), &[3], 1)));
    assert!(bad(random::choice(0, &[1.0, 2.0], Some(&[-0.5, 1.5]), &[3], 1)));
    let e = random::integers(0, 5, 5, &[3], 1).unwrap_err();
    assert!(e.to_string().contains("[5, 5)"), "{e}");
}

// Printed by `generators_golden.py` beside this file: the values computed
// in Python from the scheme `src/random.rs` documents, not from this crate.
const UNIFORM_42: [u64; 12] = [
    0xbfb65343caa88950,
    0x3fefeafc622cbf18,
    0x3ff483d13d03e4e4,
    0x3ff93dbd4192f038,
    0x3ff6cf40c6c33932,
    0xbfe15b46f2158bde,
    0xbff457cba2584434,
    0x3ff0c6698e936c8a,
    0x3fa96b891d018d40,
    0x3ff669bf0a43282e,
    0x3feee89de3e9c48c,
    0x3ffb05160f55bad0,
];
const CHOICE_8: [f64; 20] = [
    11.0, 3.0, 3.0, 7.0, 11.0, 11.0, 13.0, 13.0, 3.0, 13.0, 5.0, 3.0, 7.0, 13.0, 3.0, 13.0, 3.0, 7.0, 5.0,
    11.0,
];
const CHOICE_P_8: [f64; 20] =
    [4.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0, 4.0, 2.0, 4.0, 3.0, 2.0, 3.0, 4.0, 1.0, 4.0, 2.0, 3.0, 3.0, 4.0];

#[test]
fn uniform_and_choice_values_follow_the_documented_scheme() {
    // Element i is a function of the seed and its flat index alone: the
    // same values under every shape and chunking of the same elements.
    for (shape, chunks) in
        [(vec![12], Chunks::Size(5)), (vec![3, 4], Chunks::Size(1)), (vec![2, 2, 3], Chunks::auto())]
    {
        let u = values(&random::uniform(42, -1.5, 2.25, &shape, chunks).unwrap());
        assert_eq!(u.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), UNIFORM_42, "{shape:?}");
    }
    for (shape, chunks) in [(vec![20], Chunks::Size(7)), (vec![4, 5], Chunks::Sizes(vec![3, 2]))] {
        let values_5 = [3.0, 5.0, 7.0, 11.0, 13.0];
        assert_eq!(values(&random::choice(8, &values_5, None, &shape, chunks.clone()).unwrap()), CHOICE_8);
        let p = [0.1, 0.2, 0.3, 0.4];
        let c = random::choice(8, &[1.0, 2.0, 3.0, 4.0], Some(&p), &shape, chunks).unwrap();
        assert_eq!(values(&c), CHOICE_P_8);
    }
}

#[test]
fn a_value_of_probability_one_is_always_drawn() {
    let v = [1.0, 2.0, 3.0];
    for (k, p) in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]].iter().enumerate() {
        let c = values(&random::choice(3, &v, Some(p), &[500], 64).unwrap());
        assert!(c.iter().all(|&x| x == v[k]), "p = {p:?}");
    }
}

#[test]
fn a_normal_of_standard_deviation_zero_is_its_mean() {
    // numpy's normal(2.5, 0.0) is 2.5 everywhere.
    let x = values(&random::normal(1, 2.5, 0.0, &[100], 30).unwrap());
    assert!(x.iter().all(|&v| v == 2.5));
}

#[test]
fn integer_bounds_reach_plus_and_minus_two_to_the_53() {
    const EXACT: i64 = 1 << 53;
    for (low, high) in [(-EXACT, -EXACT + 3), (EXACT - 3, EXACT)] {
        let v = values(&random::integers(2, low, high, &[300], 100).unwrap());
        // Every value is an exact integer in [low, high) (all three occur).
        for k in low..high {
            assert!(v.contains(&(k as f64)), "{k} never drawn in [{low}, {high})");
        }
        assert!(v.iter().all(|&x| x >= low as f64 && x < high as f64));
    }
    assert!(random::integers(0, -EXACT - 1, 0, &[3], 1).is_err());
    assert!(random::integers(0, 0, EXACT + 1, &[3], 1).is_err());
    let b = values(&random::binomial(3, 1 << 53, 0.5, &[4], 2).unwrap());
    assert!(b.iter().all(|&x| x.fract() == 0.0 && (0.0..=EXACT as f64).contains(&x)));
    assert!(random::binomial(0, (1 << 53) + 1, 0.5, &[3], 1).is_err());
}

#[test]
fn a_normal_is_its_mean_plus_its_sd_times_the_standard_draw() {
    // Every (mean, sd), including those with only one of the standard
    // parameters, is mean + sd * z of the same seed's standard draws.
    let z = values(&random::standard_normal(3, &[400], 64).unwrap());
    for (mean, sd) in [(5.0, 1.0), (0.0, 2.0), (-1.5, 0.25), (0.0, 1.0)] {
        let x = values(&random::normal(3, mean, sd, &[400], 64).unwrap());
        for (xi, zi) in x.iter().zip(&z) {
            assert_eq!(*xi, mean + sd * zi, "normal({mean}, {sd})");
        }
    }
}
