//! Priority classes against queueing theory: per-class mean waits of
//! non-preemptive M/M/1 and M/M/c queues (Cobham's formulas) and per-class
//! mean sojourns of a preemptive-resume M/M/1 queue, and the number of
//! interruptions per customer in each preemption mode, with fixed seeds and
//! tolerances from confidence intervals over independent replications.
//!
//! Sources. Non-preemptive, one server, any service laws (M/G/1):
//! A. Cobham, "Priority assignment in waiting line problems", J. Oper. Res.
//! Soc. America 2 (1954) 70-76; L. Kleinrock, Queueing Systems vol. II
//! (1976) sec. 3.6; M. Harchol-Balter, Performance Modeling and Design of
//! Computer Systems (2013) sec. 31.1:
//!   W_k = W0 / ((1 - s_{k-1}) (1 - s_k)),  W0 = sum_i lambda_i E[S_i^2] / 2,
//! s_k = sum_{i <= k} rho_i (class 1 served first); with exponential
//! services E[S^2] = 2 / mu^2, so W0 = sum_i rho_i / mu_i.
//! Non-preemptive, c exponential servers of one rate mu (Cobham 1954;
//! D. Gross, J. Shortle, J. Thompson, C. Harris, Fundamentals of Queueing
//! Theory, 4th ed. (2008) sec. 3.4.1):
//!   W_k = C(c, lambda / mu) / (c mu) / ((1 - s_{k-1}) (1 - s_k)),
//! s_k = sum_{i <= k} lambda_i / (c mu), C the Erlang C probability of the
//! whole stream (while all servers are busy they free one at rate c mu).
//! Preemptive resume, one server (Kleinrock vol. II sec. 3.7;
//! Harchol-Balter sec. 32.2): the mean time in system of class k is
//!   T_k = E[S_k] / (1 - s_{k-1}) + (sum_{i <= k} lambda_i E[S_i^2] / 2) / ((1 - s_{k-1}) (1 - s_k)),
//! with sum_{i <= k} rho_i / mu_i for the numerator when services are
//! exponential. With exponential services a resampled service has the law
//! of the rest of the interrupted one, so "resample" obeys it too.
//! Preemptive resume, c exponential servers of one rate mu (J. P. Buzen and
//! A. B. Bondi, "The response times of priority classes under preemptive
//! resume in M/M/m queues", Oper. Res. 31 (1983) 456-465): the customers of
//! the k best classes never wait for worse ones, so their number is that of
//! an M/M/c queue fed at L_k = sum_{i <= k} lambda_i, and by Little's law
//!   T_k = (L_k T(L_k) - L_{k-1} T(L_{k-1})) / lambda_k,
//! T(L) the M/M/c mean sojourn at arrival rate L.

use std::collections::HashMap;

use queue_sim::theory::{erlang_c, mmc_mean_sojourn, mmc_mean_wait};
use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, Record, RecordType, RngKind,
    Servers, Stop, simulate,
};

use super::{Estimate, mean};

/// One class of a single-node queue: Poisson arrivals, exponential services.
#[derive(Clone, Copy, Debug)]
struct Stream {
    lambda: f64,
    mu: f64,
    /// Lower is served first; only the order matters.
    priority: u32,
}

/// One node of `servers` servers fed by `streams` (class `i` is stream `i`).
fn network(streams: &[Stream], servers: usize, preemption: Preemption) -> Network {
    Network::new(
        vec![NodeSpec::new(Servers::Finite(servers)).with_preemption(preemption)],
        streams
            .iter()
            .enumerate()
            .map(|(i, s)| {
                CustomerClass::new(
                    format!("Class {i}"),
                    vec![ClassAtNode::new(
                        Some(Distribution::exponential(s.lambda)),
                        Distribution::exponential(s.mu),
                    )],
                    vec![],
                )
                .with_priority(s.priority)
            })
            .collect(),
    )
}

/// The streams from the best priority to the worst (stream order on a tie,
/// which these tests avoid).
fn by_priority(streams: &[Stream]) -> Vec<(usize, Stream)> {
    let mut sorted: Vec<(usize, Stream)> = streams.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(_, s)| s.priority);
    sorted
}

/// Cobham's non-preemptive M/M/1 mean wait per class (in stream order).
fn cobham_mm1(streams: &[Stream]) -> Vec<f64> {
    let w0: f64 = streams.iter().map(|s| s.lambda / s.mu / s.mu).sum();
    let mut waits = vec![0.0; streams.len()];
    let mut sigma = 0.0;
    for (i, s) in by_priority(streams) {
        let before = sigma;
        sigma += s.lambda / s.mu;
        waits[i] = w0 / ((1.0 - before) * (1.0 - sigma));
    }
    waits
}

/// Cobham's non-preemptive M/M/c mean wait per class, one service rate.
fn cobham_mmc(streams: &[Stream], servers: u32) -> Vec<f64> {
    let mu = streams[0].mu;
    assert!(streams.iter().all(|s| s.mu == mu), "one service rate for all classes");
    let lambda: f64 = streams.iter().map(|s| s.lambda).sum();
    let capacity = f64::from(servers) * mu;
    let w0 = erlang_c(lambda, mu, servers).expect("stable") / capacity;
    let mut waits = vec![0.0; streams.len()];
    let mut sigma = 0.0;
    for (i, s) in by_priority(streams) {
        let before = sigma;
        sigma += s.lambda / capacity;
        waits[i] = w0 / ((1.0 - before) * (1.0 - sigma));
    }
    waits
}

/// Preemptive-resume M/M/1 mean sojourn per class.
fn preemptive_resume_mm1(streams: &[Stream]) -> Vec<f64> {
    let mut sojourns = vec![0.0; streams.len()];
    let (mut sigma, mut residual) = (0.0, 0.0);
    for (i, s) in by_priority(streams) {
        let before = sigma;
        sigma += s.lambda / s.mu;
        residual += s.lambda / s.mu / s.mu;
        sojourns[i] = (1.0 / s.mu) / (1.0 - before) + residual / ((1.0 - before) * (1.0 - sigma));
    }
    sojourns
}

/// Buzen and Bondi's preemptive-resume M/M/c mean sojourn per class, one
/// service rate.
fn preemptive_resume_mmc(streams: &[Stream], servers: u32) -> Vec<f64> {
    let mu = streams[0].mu;
    assert!(streams.iter().all(|s| s.mu == mu), "one service rate for all classes");
    let mut sojourns = vec![0.0; streams.len()];
    // Arrival rate of the classes so far, times their M/M/c mean sojourn.
    let (mut rate, mut rate_times_sojourn) = (0.0, 0.0);
    for (i, s) in by_priority(streams) {
        rate += s.lambda;
        let total = rate * mmc_mean_sojourn(rate, mu, servers).expect("stable");
        sojourns[i] = (total - rate_times_sojourn) / s.lambda;
        rate_times_sojourn = total;
    }
    sojourns
}

/// Per replication (seeds `0..reps` of `rng`) and class, the mean of
/// `measure` over the service records of customers arriving in `[5%, 95%)`
/// of the horizon.
fn replicate(
    net: &Network,
    rng: RngKind,
    horizon: f64,
    reps: u64,
    measure: fn(&Record) -> f64,
) -> Vec<Estimate> {
    let (warm_up, end) = (0.05 * horizon, 0.95 * horizon);
    let classes = net.classes.len();
    let mut per_class: Vec<Vec<f64>> = vec![Vec::new(); classes];
    for seed in 0..reps {
        let out = simulate(net, rng, seed, Stop::MaxTime(horizon)).unwrap();
        for (class, column) in (0u32..).zip(&mut per_class) {
            let served = out.records.iter().filter(|r| {
                r.record_type == RecordType::Service
                    && r.customer_class == class
                    && r.arrival_date >= warm_up
                    && r.arrival_date < end
            });
            column.push(mean(served.map(measure)));
        }
    }
    per_class.iter().map(|column| Estimate::of(column)).collect()
}

fn wait(r: &Record) -> f64 {
    r.waiting_time
}

/// From the first arrival at the node to the end of the last service (no
/// blocking here), interruptions included.
fn sojourn(r: &Record) -> f64 {
    r.exit_date - r.arrival_date
}

#[test]
fn cobham_formulas_conserve_work() {
    // With one service rate, the order of service does not change the mean
    // wait over all customers: the arrival-weighted class waits average to
    // the FCFS M/M/c (or M/M/1) wait.
    let streams = [
        Stream { lambda: 0.6, mu: 1.0, priority: 1 },
        Stream { lambda: 0.9, mu: 1.0, priority: 0 },
        Stream { lambda: 0.6, mu: 1.0, priority: 2 },
    ];
    for servers in [1u32, 3] {
        let streams: Vec<Stream> =
            streams.iter().map(|s| Stream { lambda: s.lambda / f64::from(4 - servers), ..*s }).collect();
        let lambda: f64 = streams.iter().map(|s| s.lambda).sum();
        let average =
            |waits: &[f64]| streams.iter().zip(waits).map(|(s, w)| s.lambda * w).sum::<f64>() / lambda;
        let fcfs = mmc_mean_wait(lambda, 1.0, servers).unwrap();
        let mmc = cobham_mmc(&streams, servers);
        assert!((average(&mmc) - fcfs).abs() < 1e-12, "{servers} servers: {mmc:?} against {fcfs}");
        if servers == 1 {
            let mm1 = cobham_mm1(&streams);
            assert!((average(&mm1) - fcfs).abs() < 1e-12, "{mm1:?} against {fcfs}");
        }
    }
    // Preemptive resume: the best class sees an M/M/1 queue of its own,
    // sojourn 1 / (mu - lambda).
    let streams =
        [Stream { lambda: 0.3, mu: 1.5, priority: 1 }, Stream { lambda: 0.5, mu: 1.0, priority: 0 }];
    let t = preemptive_resume_mm1(&streams);
    assert!((t[1] - 2.0).abs() < 1e-12, "{t:?}");
}

#[test]
fn non_preemptive_priority_mm1_waits_match_cobham() {
    // Loads 0.1 (best), 0.3, 0.2: W0 = 0.51, waits 0.567, 0.944, 2.125. The
    // classes are listed out of priority order, with gaps in the numbers.
    let streams = [
        Stream { lambda: 0.3, mu: 1.0, priority: 4 },
        Stream { lambda: 0.25, mu: 1.25, priority: 9 },
        Stream { lambda: 0.2, mu: 2.0, priority: 0 },
    ];
    let theory = cobham_mm1(&streams);
    let net = network(&streams, 1, Preemption::Off);
    for (class, est) in replicate(&net, RngKind::Pcg, 40_000.0, 40, wait).iter().enumerate() {
        est.assert_matches(
            &format!("M/M/1 class {class} ({:?}) mean wait", streams[class]),
            theory[class],
            0.1,
        );
    }
}

#[test]
fn non_preemptive_priority_mm3_waits_match_cobham() {
    // Python's generator and variate algorithms (Ciw's mode) this time.
    // c = 3, mu = 1, lambda 0.6 (best), 0.9, 0.6: C(3, 2.1) = 0.4923,
    // waits 0.205, 0.410, 1.094.
    let streams = [
        Stream { lambda: 0.9, mu: 1.0, priority: 1 },
        Stream { lambda: 0.6, mu: 1.0, priority: 0 },
        Stream { lambda: 0.6, mu: 1.0, priority: 2 },
    ];
    let theory = cobham_mmc(&streams, 3);
    let net = network(&streams, 3, Preemption::Off);
    for (class, est) in replicate(&net, RngKind::Ciw, 20_000.0, 40, wait).iter().enumerate() {
        est.assert_matches(
            &format!("M/M/3 class {class} ({:?}) mean wait", streams[class]),
            theory[class],
            0.1,
        );
    }
}

fn check_preemptive_mm1(preemption: Preemption) {
    // Loads 0.2 (best), 0.25, 0.25: sojourns 0.625 (= 1 / (2 - 0.4)),
    // 2.045, 6.288.
    let streams = [
        Stream { lambda: 0.25, mu: 1.0, priority: 1 },
        Stream { lambda: 0.4, mu: 2.0, priority: 0 },
        Stream { lambda: 0.2, mu: 0.8, priority: 2 },
    ];
    let theory = preemptive_resume_mm1(&streams);
    let net = network(&streams, 1, preemption);
    for (class, est) in replicate(&net, RngKind::Pcg, 40_000.0, 40, sojourn).iter().enumerate() {
        est.assert_matches(
            &format!(
                "preemptive ({}) M/M/1 class {class} ({:?}) mean sojourn",
                preemption.as_str(),
                streams[class]
            ),
            theory[class],
            0.1,
        );
    }
}

#[test]
fn preemptive_resume_mm2_sojourns_match_buzen_bondi() {
    // c = 2, mu = 1, lambda 0.5 (best), 0.4, 0.5, under Ciw's generator:
    // sojourns 1.067, 1.488, 3.233.
    let streams = [
        Stream { lambda: 0.4, mu: 1.0, priority: 1 },
        Stream { lambda: 0.5, mu: 1.0, priority: 2 },
        Stream { lambda: 0.5, mu: 1.0, priority: 0 },
    ];
    let theory = preemptive_resume_mmc(&streams, 2);
    // The best class alone is an M/M/2 queue.
    assert!((theory[2] - mmc_mean_sojourn(0.5, 1.0, 2).unwrap()).abs() < 1e-12);
    let net = network(&streams, 2, Preemption::Resume);
    for (class, est) in replicate(&net, RngKind::Ciw, 20_000.0, 40, sojourn).iter().enumerate() {
        est.assert_matches(
            &format!("preemptive M/M/2 class {class} ({:?}) mean sojourn", streams[class]),
            theory[class],
            0.1,
        );
    }
}

#[test]
fn preemptive_resume_mm1_sojourns_match_theory() {
    check_preemptive_mm1(Preemption::Resume);
}

#[test]
fn preemptive_resample_mm1_with_exponential_services_matches_resume_theory() {
    check_preemptive_mm1(Preemption::Resample);
}

/// Two classes at one server: High (lambda 0.3, mu 2, priority 0) and Low
/// (lambda 0.2, mu 1). While Low is in service every High arrival (a
/// Poisson stream of rate l = 0.3, whatever Low does) interrupts it, so
/// per Low customer, with services of rate m = 1:
/// - resume and resample: each attempt is cut short with probability
///   l / (l + m) (the time left, or a new draw, is again exponential), so
///   the number of interruptions is geometric with mean l / m = 0.3;
/// - restart: an attempt of length S is cut short with probability
///   1 - exp(-l S); the number of interruptions has mean
///   E[exp(l S)] - 1 = l / (m - l) = 3/7 (finite variance as 2 l < m);
/// - reroute: it is interrupted at most once, with probability l / (l + m) = 3/13;
///
/// and High, which never waits for Low, sees an M/M/1 queue of its own:
/// mean sojourn 1 / (2 - 0.3) in every mode.
fn check_interruptions(preemption: Preemption, per_customer: f64) {
    let streams =
        [Stream { lambda: 0.3, mu: 2.0, priority: 0 }, Stream { lambda: 0.2, mu: 1.0, priority: 1 }];
    let net = network(&streams, 1, preemption);
    let (horizon, reps) = (20_000.0, 30);
    let (warm_up, end) = (0.05 * horizon, 0.95 * horizon);
    let mut interruptions = Vec::new();
    for seed in 0..reps {
        let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(horizon)).unwrap();
        // Per Low customer arriving in the window: (interruptions, done).
        let mut low: HashMap<u64, (u32, bool)> = HashMap::new();
        for r in out
            .records
            .iter()
            .filter(|r| r.customer_class == 1 && r.arrival_date >= warm_up && r.arrival_date < end)
        {
            let entry = low.entry(r.id_number).or_default();
            match r.record_type {
                RecordType::InterruptedService => {
                    entry.0 += 1;
                    entry.1 = r.destination.is_some();
                }
                _ => entry.1 = true,
            }
        }
        assert!(low.len() > 2_000, "seed {seed}: {} Low customers", low.len());
        interruptions.push(mean(low.values().filter(|c| c.1).map(|c| f64::from(c.0))));
    }
    let what = format!("{}: interruptions per Low customer", preemption.as_str());
    Estimate::of(&interruptions).assert_matches(&what, per_customer, 0.1);
    let high = &replicate(&net, RngKind::Pcg, horizon, 10, sojourn)[0];
    high.assert_matches(&format!("{}: High mean sojourn", preemption.as_str()), 1.0 / 1.7, 0.1);
}

#[test]
fn interruptions_per_customer_match_each_mode() {
    check_interruptions(Preemption::Resume, 0.3);
    check_interruptions(Preemption::Resample, 0.3);
    check_interruptions(Preemption::Restart, 3.0 / 7.0);
    check_interruptions(Preemption::Reroute, 3.0 / 13.0);
}
