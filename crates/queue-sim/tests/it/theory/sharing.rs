//! Processor sharing against theory: the M/G/1-PS mean sojourn is
//! 1 / (mu - lambda) whatever the service law (insensitivity), and a
//! customer needing work s stays s / (1 - rho) on average.

use super::{Estimate, mean, window};
use queue_sim::{ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Servers, Simulation};

/// One shared node (all served at once, threshold 1), Poisson arrivals.
fn shared(lambda: f64, service: Distribution) -> Network {
    Network::new(
        vec![NodeSpec::new(Servers::Infinite).with_processor_sharing(1)],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(Some(Distribution::exponential(lambda)), service)],
            vec![],
        )],
    )
}

fn sojourns(net: &Network, horizon: f64, reps: u64) -> Estimate {
    let (warm_up, end) = (0.05 * horizon, 0.9 * horizon);
    let per_rep: Vec<f64> = (0..reps)
        .map(|seed| {
            let mut sim = Simulation::new(net, seed).unwrap();
            sim.run_until(horizon).unwrap();
            mean(window(sim.records(), 1, warm_up, end).map(|r| r.exit_date - r.arrival_date))
        })
        .collect();
    Estimate::of(&per_rep)
}

#[test]
fn mm1_processor_sharing_mean_sojourn_is_one_over_mu_minus_lambda() {
    // lambda 0.5, mu 1: E[T] = 2.
    let est = sojourns(&shared(0.5, Distribution::exponential(1.0)), 20_000.0, 20);
    est.assert_matches("M/M/1-PS mean sojourn", 2.0, 0.1);
}

#[test]
fn processor_sharing_is_insensitive_to_the_service_law() {
    // Deterministic work 1 at rate lambda 0.6: E[T] = 1 / (1 - 0.6) = 2.5,
    // the M/M/1-PS value, where FIFO (M/D/1) would give 1.75.
    let est = sojourns(&shared(0.6, Distribution::deterministic(1.0)), 20_000.0, 20);
    est.assert_matches("M/D/1-PS mean sojourn", 2.5, 0.1);
}
