//! Closed-form results of queueing theory, to check simulations against and
//! to print beside them: Erlang C for M/M/c, M/M/1 state probabilities,
//! Pollaczek–Khinchine for M/G/1 and Jackson networks of M/M/c nodes.

/// Erlang C: the probability that an arrival to a stable M/M/c queue waits.
/// `None` when the queue is unstable (`arrival_rate >= servers * service_rate`).
///
/// ```
/// let p = queue_sim::theory::erlang_c(0.2, 0.1, 3).unwrap();
/// assert!((p - 4.0 / 9.0).abs() < 1e-12);
/// ```
pub fn erlang_c(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    let c = f64::from(servers);
    let a = arrival_rate / service_rate; // offered load in Erlangs
    let rho = a / c;
    // Loads within rounding of 1 (0.3 / 0.1 / 3 is 0.9999999999999999) are
    // critical, not stable.
    if servers == 0 || rho.is_nan() || rho >= 1.0 - 1e-12 {
        return None;
    }
    // Erlang B by its stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (f64::from(k) + a * b);
    }
    Some(b / (1.0 - rho * (1.0 - b)))
}

/// Mean wait in the queue of a stable M/M/c queue: `C / (c mu - lambda)`.
///
/// ```
/// let w = queue_sim::theory::mmc_mean_wait(0.2, 0.1, 3).unwrap();
/// assert!((w - 40.0 / 9.0).abs() < 1e-12);
/// ```
pub fn mmc_mean_wait(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    let p = erlang_c(arrival_rate, service_rate, servers)?;
    Some(p / (f64::from(servers) * service_rate - arrival_rate))
}

/// Server utilisation of an M/M/c queue, `lambda / (c mu)`, if stable.
pub fn mmc_utilisation(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    let rho = arrival_rate / (f64::from(servers) * service_rate);
    (servers > 0 && rho < 1.0).then_some(rho)
}

/// Probability of `n` customers in a stable M/M/1 queue: `(1 - rho) rho^n`.
pub fn mm1_state_probability(arrival_rate: f64, service_rate: f64, n: u32) -> Option<f64> {
    let rho = arrival_rate / service_rate;
    // `powi` takes an i32; beyond it, `powf` (rho^n is then 0 or nearly).
    let power = i32::try_from(n).map_or_else(|_| rho.powf(f64::from(n)), |k| rho.powi(k));
    (rho < 1.0).then_some((1.0 - rho) * power)
}

/// Pollaczek–Khinchine mean wait of a stable M/G/1 queue with the given
/// service mean and variance: `lambda E[S^2] / (2 (1 - rho))`.
///
/// ```
/// // M/D/1 with rho = 0.5: W = rho / (2 mu (1 - rho)) = 0.5
/// let w = queue_sim::theory::pollaczek_khinchine_wait(0.5, 1.0, 0.0).unwrap();
/// assert!((w - 0.5).abs() < 1e-12);
/// ```
pub fn pollaczek_khinchine_wait(arrival_rate: f64, service_mean: f64, service_variance: f64) -> Option<f64> {
    let rho = arrival_rate * service_mean;
    (rho < 1.0).then(|| arrival_rate * (service_variance + service_mean * service_mean) / (2.0 * (1.0 - rho)))
}

/// Mean sojourn time (wait plus service) at a stable M/M/c node fed at
/// `arrival_rate`; in a Jackson network each node behaves so, and the mean
/// time through a tandem line is the sum over its nodes.
pub fn mmc_mean_sojourn(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    Some(mmc_mean_wait(arrival_rate, service_rate, servers)? + 1.0 / service_rate)
}
