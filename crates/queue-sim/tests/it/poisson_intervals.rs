//! Time-dependent Poisson arrivals (Ciw's `PoissonIntervals`): the model
//! file's form, the checks, where it may be used, and the process it draws
//! (counts per interval, none after the last date). Ciw mode's records are
//! compared with Ciw's in `ciw.rs` (`poisson_intervals.toml`).

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, ModelError, Network, NodeSpec, ParameterError, RngKind,
    Servers, SimError, Stop, simulate,
};
use serde::Deserialize;

fn intervals(rates: &[f64], endpoints: &[f64], max_sample_date: f64) -> Distribution {
    Distribution::PoissonIntervals { rates: rates.to_vec(), endpoints: endpoints.to_vec(), max_sample_date }
}

#[test]
fn it_reads_from_a_model_file_and_its_mean_is_the_cycles_mean_gap() {
    #[derive(Deserialize)]
    struct Holder {
        d: Distribution,
    }
    let text = r#"d = { type = "poisson_intervals", rates = [2.0, 0.0, 1.0], endpoints = [1.0, 3.0, 4.0], max_sample_date = 100.0 }"#;
    let d = toml::from_str::<Holder>(text).unwrap().d;
    assert_eq!(d, intervals(&[2.0, 0.0, 1.0], &[1.0, 3.0, 4.0], 100.0));
    assert_eq!(d.validate(), Ok(()));
    assert_eq!(d.name(), "poisson_intervals");
    // Three arrivals a cycle of 4, as Ciw's `mean` (1 / overall_rate).
    assert_eq!(d.mean(), Some(4.0 / 3.0));
    assert_eq!(d.variance(), None);
    assert_eq!(intervals(&[0.0], &[1.0], 5.0).mean(), Some(f64::INFINITY));
}

#[test]
fn bad_parameters_are_named_as_ciw_names_them() {
    use ParameterError as E;
    type Expected = fn(&E) -> bool;
    let cases: Vec<(Distribution, Expected)> = vec![
        (intervals(&[-1.0], &[1.0], 5.0), |e| matches!(e, E::Negative { name: "rates", .. })),
        (intervals(&[1.0], &[0.0], 5.0), |e| matches!(e, E::NotPositive { name: "endpoints", .. })),
        (intervals(&[1.0, 1.0], &[2.0, 2.0], 5.0), |e| matches!(e, E::Order { .. })),
        (intervals(&[1.0], &[1.0, 2.0], 5.0), |e| matches!(e, E::LengthMismatch { .. })),
        (intervals(&[], &[], 5.0), |e| matches!(e, E::Empty { name: "rates" })),
        (intervals(&[1.0], &[1.0], 0.0), |e| matches!(e, E::NotPositive { name: "max_sample_date", .. })),
        // Ciw would lay out intervals for ever.
        (intervals(&[1.0], &[1.0], f64::INFINITY), |e| {
            matches!(e, E::NotFinite { name: "max_sample_date", .. })
        }),
        (intervals(&[f64::NAN], &[1.0], 5.0), |e| matches!(e, E::NotFinite { name: "rates", .. })),
        // 1e12 intervals, or 1e12 expected dates: refused before any is drawn.
        (intervals(&[1.0], &[1e-6], 1e6), |e| matches!(e, E::TooManyDates { what: "intervals", .. })),
        (intervals(&[1e9], &[1.0], 1e3), |e| matches!(e, E::TooManyDates { what: "arrival dates", .. })),
    ];
    for (d, expected) in cases {
        let problem = d.validate().expect_err(&format!("{d:?}"));
        assert!(expected(&problem), "{d:?}: {problem:?}");
    }
    let e = intervals(&[1e9], &[1.0], 1e3).validate().unwrap_err().to_string();
    assert!(e.contains("1e12 arrival dates") && e.contains("5e7"), "{e}");
}

/// One infinite-server node (every arrival is served at once and leaves
/// 0.01 later) fed by `arrival`.
fn fed_by(arrival: Distribution) -> Network {
    Network::single_node(arrival, Distribution::deterministic(0.01), Servers::Infinite)
}

#[test]
fn it_is_refused_anywhere_but_as_an_arrival_distribution() {
    let d = intervals(&[1.0], &[2.0], 10.0);
    let refused = |net: Network, role: &str| {
        let e = net.validate().expect_err(role);
        assert!(
            matches!(&e, ModelError::Distribution { problem: ParameterError::ArrivalsOnly, .. }),
            "{role}: {e:?}"
        );
        assert!(e.to_string().contains("only be a class's arrival distribution"), "{e}");
    };
    refused(Network::single_node(Distribution::exponential(1.0), d.clone(), Servers::Finite(1)), "service");
    let mut net = fed_by(Distribution::exponential(1.0));
    net.classes[0].nodes[0].reneging = Some(d.clone());
    refused(net, "reneging");
    let mixture = Distribution::Mixture {
        dists: vec![d.clone(), Distribution::exponential(1.0)],
        probs: vec![0.5, 0.5],
    };
    let e = fed_by(mixture).validate().unwrap_err();
    assert!(e.to_string().contains("in `dists`[0]: poisson_intervals can only be"), "{e}");
    // A change of class while waiting is drawn during the run too.
    let class = |name: &str| {
        let at = ClassAtNode::new(Some(Distribution::exponential(1.0)), Distribution::exponential(1.0));
        CustomerClass::new(name, vec![at], vec![vec![0.0]])
    };
    let mut net = Network::new(vec![NodeSpec::new(Servers::Finite(1))], vec![class("a"), class("b")]);
    net.classes[0] = net.classes[0].clone().with_class_change_while_waiting([("b", d)]);
    let e = net.validate().unwrap_err();
    assert!(e.to_string().contains("only be a class's arrival distribution"), "{e}");
}

/// The arrival dates of one run of the fed node.
fn arrival_dates(net: &Network, rng: RngKind, seed: u64) -> Vec<f64> {
    let out = simulate(net, rng, seed, Stop::MaxTime(1000.0)).unwrap();
    let mut dates: Vec<f64> = out.records.iter().map(|r| r.arrival_date).collect();
    dates.sort_by(f64::total_cmp);
    dates
}

#[test]
fn arrivals_follow_the_rates_of_the_cycle_and_stop_at_the_last_date() {
    // Rate 2 on (0, 1), none on (1, 2), 0.5 on (2, 4), the cycle of 4
    // repeated up to 10: expected counts 2, 0, 1, 2, 0, 1, 2, 0 (the last
    // interval cut to (9, 10)), 8 in all.
    let net = fed_by(intervals(&[2.0, 0.0, 0.5], &[1.0, 2.0, 4.0], 10.0));
    let slots = [(0.0, 1.0, 2.0), (1.0, 2.0, 0.0), (2.0, 4.0, 1.0), (4.0, 5.0, 2.0), (5.0, 6.0, 0.0)];
    let seeds = 400u32;
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let mut counts = [0.0f64; 5];
        let mut total = 0.0;
        for seed in 0..seeds {
            let dates = arrival_dates(&net, rng, u64::from(seed));
            assert!(dates.iter().all(|&t| t > 0.0 && t < 10.0), "{rng} seed {seed}: {dates:?}");
            assert!(!dates.iter().any(|&t| (1.0..2.0).contains(&t) || (5.0..6.0).contains(&t) || t >= 9.0));
            for (count, &(lo, hi, _)) in counts.iter_mut().zip(&slots) {
                *count += dates.iter().filter(|&&t| lo < t && t < hi).count() as f64;
            }
            total += dates.len() as f64;
        }
        // A Poisson count's mean over `seeds` runs: within 5 standard errors.
        let n = f64::from(seeds);
        for (count, &(lo, hi, want)) in counts.iter().zip(&slots) {
            let tolerance = 5.0 * (want / n).sqrt();
            assert!(
                (count / n - want).abs() <= tolerance,
                "{rng} ({lo}, {hi}): {} per run, want {want}",
                count / n
            );
        }
        assert!((total / n - 8.0).abs() <= 5.0 * (8.0 / n).sqrt(), "{rng}: {} in all", total / n);
    }
}

#[test]
fn the_first_interval_is_never_cut_short_as_in_ciw() {
    // max_sample_date 0.5 inside the first interval (0, 1): Ciw draws the
    // whole first interval's dates all the same.
    let net = fed_by(intervals(&[20.0], &[1.0], 0.5));
    let dates = arrival_dates(&net, RngKind::Ciw, 1);
    assert!(dates.iter().any(|&t| t > 0.5) && dates.iter().all(|&t| t < 1.0), "{dates:?}");
}

/// When the dates run out before the count, the run says so (Ciw 3.2.7
/// fails with a `TypeError` there) rather than end quietly short of it;
/// the records so far stay with the simulation.
#[test]
fn a_run_to_a_count_of_customers_the_dates_cannot_reach_is_an_error() {
    let net = fed_by(intervals(&[1.0], &[2.0], 6.0));
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxFinished(1_000_000)).unwrap_err();
    let mut sim = queue_sim::Simulation::new(&net, 0).unwrap();
    let again = sim.run(Stop::MaxFinished(1_000_000)).unwrap_err();
    assert_eq!(err.to_string(), again.to_string());
    match again {
        SimError::CountNotReached { count, wanted, reached, time } => {
            assert_eq!((count, wanted), ("finish", 1_000_000));
            assert_eq!(reached, u64::try_from(sim.records().len()).unwrap());
            assert!(reached > 0 && reached < 40 && time > 0.0 && time < f64::INFINITY, "{reached} by {time}");
        }
        other => panic!("{other:?}"),
    }
    assert!(sim.records().iter().all(|r| r.arrival_date < 6.0));
    // A count already reached is no error.
    sim.run(Stop::MaxFinished(1)).unwrap();
}
