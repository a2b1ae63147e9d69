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

/// Asserts the sample mean is within 5 standard errors of `mean` and the
/// variance within 5% of `var`.
#[track_caller]
fn check(v: &[f64], mean: f64, var: f64) {
    let (m, s2) = moments(v);
    let se = (var / v.len() as f64).sqrt();
    assert!((m - mean).abs() < 5.0 * se, "mean {m}, want {mean} ± {se}");
    assert!((s2 - var).abs() < 0.05 * var, "variance {s2}, want {var}");
}

const N: usize = 200_000;

#[test]
fn generators_have_their_distributions() {
    let ints = values(&random::integers(1, -3, 5, &[N], 50_000).unwrap());
    assert!(ints.iter().all(|&x| (-3.0..5.0).contains(&x) && x.fract() == 0.0));
    check(&ints, 0.5, (64.0 - 1.0) / 12.0);
    check(&values(&random::exponential(2, 3.0, &[N], 50_000).unwrap()), 3.0, 9.0);
    let p = values(&random::poisson(3, 4.5, &[N], 50_000).unwrap());
    assert!(p.iter().all(|&x| x >= 0.0 && x.fract() == 0.0));
    check(&p, 4.5, 4.5);
    check(&values(&random::poisson(3, 700.0, &[N], 50_000).unwrap()), 700.0, 700.0);
    let b = values(&random::binomial(4, 20, 0.3, &[N], 50_000).unwrap());
    assert!(b.iter().all(|&x| (0.0..=20.0).contains(&x)));
    check(&b, 6.0, 20.0 * 0.3 * 0.7);
    let c = values(&random::choice(5, &[1.0, 10.0, 100.0], Some(&[0.5, 0.3, 0.2]), &[N], 50_000).unwrap());
    let share = |v: f64| c.iter().filter(|&&x| x == v).count() as f64 / N as f64;
    for (v, p) in [(1.0, 0.5), (10.0, 0.3), (100.0, 0.2)] {
        let se = (p * (1.0 - p) / N as f64).sqrt();
        assert!((share(v) - p).abs() < 5.0 * se, "share of {v}: {}", share(v));
    }
    let u = values(&random::choice(6, &[2.0, 4.0], None, &[N], 50_000).unwrap());
    check(&u, 3.0, 1.0);
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
