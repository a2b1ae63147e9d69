//! Ciw-compatible mode: values Ciw 3.2.7 itself prints, compared exactly.

use queue_sim::{Network, RngKind, Stop, mean_wait, simulate};

fn ciw_mean_wait(servers: usize) -> f64 {
    let out = simulate(&Network::mmc(0.2, 0.1, servers), RngKind::Ciw, 0, Stop::MaxTime(10_000.0)).unwrap();
    mean_wait(&out.records)
}

#[test]
fn mmc_mean_waits_equal_ciw_exactly() {
    // ciw.seed(0); Simulation(mmc).simulate_until_max_time(10000);
    // sum(waits) / len(waits) over get_all_records().
    assert_eq!(ciw_mean_wait(1), 2550.409459799068);
    assert_eq!(ciw_mean_wait(2), 341.37299886697014);
    assert_eq!(ciw_mean_wait(3), 3.3866903406358757);
}

#[test]
fn mmc_record_counts_equal_ciw() {
    // len(Q.get_all_records()) for c = 1, 2, 3.
    for (c, n) in [(1, 967), (2, 1891), (3, 1923)] {
        let out = simulate(&Network::mmc(0.2, 0.1, c), RngKind::Ciw, 0, Stop::MaxTime(10_000.0)).unwrap();
        assert_eq!(out.records.len(), n, "c = {c}");
    }
}
