//! State trackers against theory: the time-stationary number in an M/M/1
//! and an M/M/3 queue (geometric and Erlang laws), and Little's law
//! L = lambda W between a tracked population and the records.

use super::{Estimate, mean, window};
use queue_sim::{Network, Simulation, Tracker};

/// Per replication, the share of `[warm_up, horizon)` with n customers in
/// the system (n < `states`), the time-average number, and the mean sojourn
/// of those who arrived in the window.
fn tracked(net: &Network, horizon: f64, reps: u64, states: usize) -> (Vec<Estimate>, Estimate, Estimate) {
    let warm_up = 0.05 * horizon;
    let (mut shares, mut numbers, mut sojourns) = (vec![Vec::new(); states], Vec::new(), Vec::new());
    for seed in 0..reps {
        let mut sim = Simulation::new(net, seed).unwrap().with_tracker(Tracker::SystemPopulation).unwrap();
        sim.run_until(horizon).unwrap();
        let history = sim.history().unwrap();
        let probs = sim.state_probabilities(warm_up, horizon).unwrap();
        let n_of = |s| history.display(s).parse::<usize>().unwrap();
        for (n, share) in shares.iter_mut().enumerate() {
            share.push(probs.iter().filter(|(s, _)| n_of(s) == n).map(|(_, p)| *p).sum());
        }
        numbers.push(probs.iter().map(|(s, p)| n_of(s) as f64 * p).sum());
        sojourns.push(mean(
            window(sim.records(), 1, warm_up, 0.9 * horizon).map(|r| r.exit_date - r.arrival_date),
        ));
    }
    (shares.iter().map(|x| Estimate::of(x)).collect(), Estimate::of(&numbers), Estimate::of(&sojourns))
}

#[test]
fn mm1_state_probabilities_are_geometric_and_littles_law_holds() {
    let (lambda, mu) = (0.5, 1.0);
    let (shares, number, sojourn) = tracked(&Network::mmc(lambda, mu, 1), 20_000.0, 20, 4);
    for (n, share) in shares.iter().enumerate() {
        // P(n) = (1 - rho) rho^n.
        share.assert_matches(&format!("M/M/1 P({n})"), 0.5f64.powi(n as i32 + 1), 0.15);
    }
    // L = rho / (1 - rho) = 1, W = 1 / (mu - lambda) = 2: L = lambda W.
    number.assert_matches("M/M/1 time-average number", 1.0, 0.1);
    number.assert_matches("Little's law, L against lambda W", lambda * sojourn.mean, 0.1);
}

#[test]
fn mm3_state_probabilities_follow_erlangs_law() {
    let (lambda, mu, c) = (2.0, 1.0, 3);
    let a: f64 = lambda / mu;
    let rho = a / f64::from(c);
    let factorial = |k: u32| (1..=k).map(f64::from).product::<f64>();
    let p0 = 1.0
        / ((0..c).map(|k| a.powi(k as i32) / factorial(k)).sum::<f64>()
            + a.powi(c as i32) / factorial(c) / (1.0 - rho));
    let p = |n: u32| {
        if n < c {
            p0 * a.powi(n as i32) / factorial(n)
        } else {
            p0 * a.powi(n as i32) / (factorial(c) * f64::from(c).powi((n - c) as i32))
        }
    };
    let (shares, _, _) = tracked(&Network::mmc(lambda, mu, 3), 10_000.0, 20, 6);
    for (n, share) in (0u32..).zip(&shares) {
        share.assert_matches(&format!("M/M/3 P({n})"), p(n), 0.2);
    }
}
