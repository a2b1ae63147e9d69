//! Simulation against queueing theory (M/M/c, M/M/1, M/M/inf, M/G/1, a
//! tandem Jackson network, and priority classes in `priority.rs`), with fixed seeds and tolerances from confidence
//! intervals over independent replications; and the closed forms themselves.

use std::collections::HashMap;

use queue_sim::theory::{
    erlang_c, mm1_state_probability, mmc_mean_sojourn, mmc_mean_wait, mmc_utilisation,
    pollaczek_khinchine_wait,
};
use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Record, RecordType, RngKind, Servers,
    Simulation, Stop, simulate,
};

mod priority;
mod sharing;
mod trackers;

/// Half-width of the acceptance interval in standard errors. The seeds are
/// fixed, so a pass is deterministic; z this large means a correct engine
/// fails for a fresh choice of seeds with probability of order 1e-5.
const Z: f64 = 4.5;

/// The spread of per-replication estimates of one quantity.
#[derive(Debug)]
struct Estimate {
    mean: f64,
    /// Sample standard deviation across replications.
    sd: f64,
    reps: usize,
}

impl Estimate {
    fn of(xs: &[f64]) -> Self {
        assert!(xs.len() >= 2, "need at least two replications");
        assert!(xs.iter().all(|x| x.is_finite()), "non-finite estimate in {xs:?}");
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Self { mean, sd: var.sqrt(), reps: xs.len() }
    }

    fn half_width(&self) -> f64 {
        Z * self.sd / (self.reps as f64).sqrt()
    }

    /// Asserts `|mean - theory| < z s / sqrt(R)`, and that the interval is
    /// narrow enough (at most `max_rel` of the theoretical value) for the
    /// comparison to mean something.
    #[track_caller]
    fn assert_matches(&self, what: &str, theory: f64, max_rel: f64) {
        let hw = self.half_width();
        assert!(self.sd > 0.0, "{what}: replications do not vary ({self:?})");
        assert!(
            hw < max_rel * theory.abs(),
            "{what}: interval half-width {hw} too wide against theory {theory} ({self:?})"
        );
        assert!(
            (self.mean - theory).abs() < hw,
            "{what}: simulated {} vs theory {theory}, |diff| = {} >= {hw} ({self:?})",
            self.mean,
            (self.mean - theory).abs()
        );
    }
}

/// Service records of customers arriving at `node` (from 1) inside
/// `[warm_up, end)`: after the warm-up, and early enough that they finished
/// well before the horizon (so that slow ones are not censored away).
fn window(records: &[Record], node: u32, warm_up: f64, end: f64) -> impl Iterator<Item = &Record> {
    records.iter().filter(move |r| {
        r.record_type == RecordType::Service
            && r.node == node
            && r.arrival_date >= warm_up
            && r.arrival_date < end
    })
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in xs {
        sum += x;
        n += 1;
    }
    assert!(n > 0, "no observations in the window");
    sum / n as f64
}

/// Per-replication mean wait, fraction that waited and server utilisation
/// of an M/M/c queue.
fn mmc_replications(lambda: f64, mu: f64, c: usize, horizon: f64, reps: u64) -> [Estimate; 3] {
    let (warm_up, end) = (0.05 * horizon, 0.95 * horizon);
    let net = Network::mmc(lambda, mu, c);
    let (mut waits, mut waited, mut utils) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 0..reps {
        let mut sim = Simulation::new(&net, seed).unwrap();
        sim.run_until(horizon).unwrap();
        let recs = sim.records();
        waits.push(mean(window(recs, 1, warm_up, end).map(|r| r.waiting_time)));
        waited.push(mean(window(recs, 1, warm_up, end).map(|r| f64::from(u8::from(r.waiting_time > 0.0)))));
        let util = sim.utilisation();
        assert_eq!(util.len(), 1);
        utils.push(util[0].expect("finite servers have a utilisation"));
    }
    [Estimate::of(&waits), Estimate::of(&waited), Estimate::of(&utils)]
}

fn check_mmc(lambda: f64, mu: f64, c: usize, horizon: f64, reps: u64) {
    let [wait, waited, util] = mmc_replications(lambda, mu, c, horizon, reps);
    let servers = u32::try_from(c).unwrap();
    let label = format!("M/M/{c} with lambda {lambda}, mu {mu}");
    wait.assert_matches(&format!("{label}: mean wait"), mmc_mean_wait(lambda, mu, servers).unwrap(), 0.1);
    waited.assert_matches(&format!("{label}: P(wait > 0)"), erlang_c(lambda, mu, servers).unwrap(), 0.1);
    util.assert_matches(
        &format!("{label}: utilisation"),
        mmc_utilisation(lambda, mu, servers).unwrap(),
        0.05,
    );
}

#[test]
fn mm3_talk_queue_matches_erlang_c() {
    // W = 40/9, C = 4/9, rho = 2/3.
    check_mmc(0.2, 0.1, 3, 100_000.0, 30);
}

#[test]
fn mm2_heavier_load_matches_erlang_c() {
    // rho = 0.75: C = 2 rho^2 / (1 + rho) = 9/14, W = C / (2 mu - lambda) = 9/7.
    check_mmc(1.5, 1.0, 2, 20_000.0, 20);
}

#[test]
fn mm1_state_probabilities_seen_at_arrival_match_geometric_law() {
    // PASTA: the number an arrival finds has the time-stationary law
    // P(n) = (1 - rho) rho^n.
    let (lambda, mu, horizon, reps) = (0.5, 1.0, 8_000.0, 20);
    let (warm_up, end) = (0.05 * horizon, 0.95 * horizon);
    let net = Network::mmc(lambda, mu, 1);
    let mut seen: Vec<Vec<f64>> = vec![Vec::new(); 5];
    for seed in 0..reps {
        let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(horizon)).unwrap();
        for (n, column) in seen.iter_mut().enumerate() {
            let n = u32::try_from(n).unwrap();
            column.push(mean(
                window(&out.records, 1, warm_up, end)
                    .map(|r| f64::from(u8::from(r.queue_size_at_arrival == n))),
            ));
        }
    }
    for (n, column) in seen.iter().enumerate() {
        let n = u32::try_from(n).unwrap();
        let p = mm1_state_probability(lambda, mu, n).unwrap();
        Estimate::of(column).assert_matches(&format!("M/M/1 P({n})"), p, 0.25);
    }
}

#[test]
fn infinite_servers_nobody_waits_and_number_present_is_poisson() {
    let (lambda, mu, horizon) = (2.0, 0.5, 3_000.0);
    let net = Network::single_node(
        Distribution::exponential(lambda),
        Distribution::exponential(mu),
        Servers::Infinite,
    );
    let mut present = Vec::new();
    for seed in 0..10 {
        let mut sim = Simulation::new(&net, seed).unwrap();
        sim.run_until(horizon).unwrap();
        let recs = sim.records();
        assert!(recs.len() > 1000, "too few records: {}", recs.len());
        for r in recs {
            assert_eq!(r.record_type, RecordType::Service);
            assert_eq!(r.waiting_time, 0.0, "{r:?}");
            assert_eq!(r.service_start_date, r.arrival_date, "{r:?}");
            assert_eq!(r.server_id, None, "{r:?}");
        }
        assert_eq!(sim.utilisation(), vec![None]);
        // The number present is Poisson with mean lambda / mu; by PASTA, so is
        // what an arrival finds.
        present
            .push(mean(window(recs, 1, 100.0, horizon - 100.0).map(|r| f64::from(r.queue_size_at_arrival))));
    }
    Estimate::of(&present).assert_matches("M/M/inf mean number found", lambda / mu, 0.1);
}

fn mg1_mean_wait(service: Distribution, lambda: f64, horizon: f64, reps: u64) -> Estimate {
    let (warm_up, end) = (0.05 * horizon, 0.95 * horizon);
    let net = Network::single_node(Distribution::exponential(lambda), service, Servers::Finite(1));
    let waits: Vec<f64> = (0..reps)
        .map(|seed| {
            let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(horizon)).unwrap();
            mean(window(&out.records, 1, warm_up, end).map(|r| r.waiting_time))
        })
        .collect();
    Estimate::of(&waits)
}

#[test]
fn md1_mean_wait_matches_pollaczek_khinchine() {
    // rho = 0.7, W = rho D / (2 (1 - rho)) = 7/6.
    let (lambda, d) = (0.7, 1.0);
    let theory = pollaczek_khinchine_wait(lambda, d, 0.0).unwrap();
    assert!((theory - 7.0 / 6.0).abs() < 1e-12);
    let est = mg1_mean_wait(Distribution::deterministic(d), lambda, 8_000.0, 20);
    est.assert_matches("M/D/1 mean wait", theory, 0.1);
}

#[test]
fn m_uniform_1_mean_wait_matches_pollaczek_khinchine() {
    // Service uniform on [0, 2]: mean 1, variance 1/3; rho = 0.5, W = 2/3.
    let service = Distribution::Uniform { lower: 0.0, upper: 2.0 };
    let theory = pollaczek_khinchine_wait(0.5, service.mean().unwrap(), service.variance().unwrap()).unwrap();
    assert!((theory - 2.0 / 3.0).abs() < 1e-12);
    mg1_mean_wait(service, 0.5, 8_000.0, 20).assert_matches("M/U/1 mean wait", theory, 0.1);
}

#[test]
fn tandem_jackson_network_mean_sojourn_is_sum_of_node_sojourns() {
    let lambda = 0.3;
    // (service rate, servers) per node; loads 0.6, 0.6, 0.5.
    let stations = [(0.5, 1usize), (0.25, 2), (0.2, 3)];
    let n = stations.len();
    let net = Network::new(
        stations.iter().map(|&(_, c)| NodeSpec::new(Servers::Finite(c))).collect(),
        vec![CustomerClass::new(
            "Customer".to_owned(),
            stations
                .iter()
                .enumerate()
                .map(|(i, &(mu, _))| {
                    ClassAtNode::new(
                        (i == 0).then(|| Distribution::exponential(lambda)),
                        Distribution::exponential(mu),
                    )
                })
                .collect(),
            (0..n)
                .map(|i| (0..n).map(|j| if j == i + 1 { 1.0 } else { 0.0 }).collect())
                .collect::<Vec<Vec<f64>>>(),
        )],
    );
    net.validate().unwrap();
    let theory: f64 = stations
        .iter()
        .map(|&(mu, c)| mmc_mean_sojourn(lambda, mu, u32::try_from(c).unwrap()).unwrap())
        .sum();

    let (horizon, reps) = (20_000.0, 16);
    let (warm_up, end) = (1_000.0, horizon - 1_000.0);
    let mut sojourns = Vec::new();
    for seed in 0..reps {
        let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(horizon)).unwrap();
        // Per customer: arrival at node 1, exit from node 3, nodes visited.
        let mut journeys: HashMap<u64, (f64, Option<f64>, Vec<u32>)> = HashMap::new();
        for r in &out.records {
            let j = journeys.entry(r.id_number).or_insert((f64::NAN, None, Vec::new()));
            if r.node == 1 {
                j.0 = r.arrival_date;
            }
            if r.destination == Some(-1) {
                j.1 = Some(r.exit_date);
            }
            j.2.push(r.node);
        }
        let mut times = Vec::new();
        for (id, (start, exit, visits)) in &journeys {
            if let Some(exit) = exit {
                assert_eq!(visits, &[1, 2, 3], "customer {id} did not go through the line in order");
                if *start >= warm_up && *start < end {
                    times.push(exit - start);
                }
            }
        }
        assert!(times.len() > 4000, "seed {seed}: only {} journeys", times.len());
        sojourns.push(mean(times.into_iter()));
    }
    Estimate::of(&sojourns).assert_matches("tandem mean sojourn", theory, 0.05);
}

#[test]
fn erlang_c_and_mmc_known_values() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    // The talk's M/M/3: a = 2 Erlangs, C = 4/9, W = C / (c mu - lambda) = 40/9.
    assert!(close(erlang_c(0.2, 0.1, 3).unwrap(), 4.0 / 9.0));
    assert!(close(mmc_mean_wait(0.2, 0.1, 3).unwrap(), 40.0 / 9.0));
    assert!(close(mmc_utilisation(0.2, 0.1, 3).unwrap(), 2.0 / 3.0));
    assert!(close(mmc_mean_sojourn(0.2, 0.1, 3).unwrap(), 40.0 / 9.0 + 10.0));
    // M/M/1: C = rho, W = rho / (mu - lambda), sojourn 1 / (mu - lambda).
    assert!(close(erlang_c(0.5, 1.0, 1).unwrap(), 0.5));
    assert!(close(mmc_mean_wait(0.5, 1.0, 1).unwrap(), 1.0));
    assert!(close(mmc_mean_sojourn(0.5, 1.0, 1).unwrap(), 2.0));
    // M/M/2: C = 2 rho^2 / (1 + rho).
    assert!(close(erlang_c(1.5, 1.0, 2).unwrap(), 2.0 * 0.5625 / 1.75));
    assert!(close(mmc_mean_wait(1.5, 1.0, 2).unwrap(), 9.0 / 7.0));
    // Many servers, light load: nearly nobody waits, but C stays in (0, 1).
    let c = erlang_c(1.0, 1.0, 50).unwrap();
    assert!(c > 0.0 && c < 1e-40, "{c}");
}

#[test]
fn mm1_state_probabilities_and_pollaczek_khinchine_known_values() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    for (n, p) in [(0, 0.5), (1, 0.25), (2, 0.125), (3, 0.0625), (4, 0.03125)] {
        assert!(close(mm1_state_probability(0.5, 1.0, n).unwrap(), p), "P({n})");
    }
    let total: f64 = (0..200).map(|n| mm1_state_probability(0.3, 0.4, n).unwrap()).sum();
    assert!(close(total, 1.0), "{total}");
    // States beyond i32::MAX are (almost) impossible, not wrapped round to
    // a negative power.
    assert_eq!(mm1_state_probability(0.5, 1.0, u32::MAX), Some(0.0));
    assert_eq!(mm1_state_probability(0.5, 1.0, 1 << 31), Some(0.0));
    // Exponential service (variance 1 / mu^2) gives the M/M/1 wait.
    assert!(close(pollaczek_khinchine_wait(0.5, 1.0, 1.0).unwrap(), mmc_mean_wait(0.5, 1.0, 1).unwrap()));
    // M/D/1 at rho = 0.5.
    assert!(close(pollaczek_khinchine_wait(0.5, 1.0, 0.0).unwrap(), 0.5));
}

#[test]
fn unstable_or_degenerate_queues_have_no_steady_state() {
    // rho = 1 exactly (in binary floating point too), and above.
    assert_eq!(erlang_c(0.5, 0.25, 2), None);
    assert_eq!(erlang_c(0.5, 0.1, 3), None);
    assert_eq!(erlang_c(0.2, 0.1, 0), None);
    assert_eq!(erlang_c(f64::NAN, 0.1, 3), None);
    assert_eq!(mmc_mean_wait(0.5, 0.25, 2), None);
    assert_eq!(mmc_mean_sojourn(0.4, 0.1, 3), None);
    assert_eq!(mmc_utilisation(0.5, 0.25, 2), None);
    assert_eq!(mmc_utilisation(0.2, 0.1, 0), None);
    assert_eq!(mm1_state_probability(1.0, 1.0, 0), None);
    assert_eq!(mm1_state_probability(2.0, 1.0, 3), None);
    assert_eq!(pollaczek_khinchine_wait(1.0, 1.0, 0.0), None);
    assert_eq!(pollaczek_khinchine_wait(0.5, 2.0, 1.0), None);
}
