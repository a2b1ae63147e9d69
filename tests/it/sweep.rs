//! A sweep's trials equal independent simulations with the seeds `seed + i`.

use queue_sim::{Network, RngKind, Stop, Sweep, mean_wait, simulate};

#[test]
fn sweep_trials_are_seed_plus_index_runs() {
    let sweep = Sweep {
        network: Network::mmc(0.2, 0.1, 1),
        servers: vec![1, 3],
        trials: 4,
        seed: 10,
        stop: Stop::MaxTime(500.0),
        rng: RngKind::Ciw,
    };
    let trials = sweep.trials().unwrap();
    assert_eq!(trials.len(), 8);
    for (k, t) in trials.iter().enumerate() {
        let c = if k < 4 { 1 } else { 3 };
        let seed = 10 + (k as u64 % 4);
        let row = t.run().unwrap();
        assert_eq!((row.servers, row.seed), (Some(c), seed));
        let direct = simulate(&Network::mmc(0.2, 0.1, c), RngKind::Ciw, seed, Stop::MaxTime(500.0)).unwrap();
        assert_eq!(row.records, direct.records.len());
        assert_eq!(t.records().unwrap(), direct.records);
        assert_eq!(row.mean_wait.map(f64::to_bits), Some(mean_wait(&direct.records).to_bits()));
    }
}

#[test]
fn a_sweep_stopped_by_customers_runs_each_trial_to_that_count() {
    let sweep = Sweep {
        network: Network::mmc(0.2, 0.1, 1),
        servers: vec![2],
        trials: 3,
        seed: 4,
        stop: Stop::MaxCustomers(120),
        rng: RngKind::Pcg,
    };
    for t in sweep.trials().unwrap() {
        let records = t.records().unwrap();
        assert_eq!(records.iter().filter(|r| r.destination == Some(-1)).count(), 120);
        let direct =
            simulate(&Network::mmc(0.2, 0.1, 2), RngKind::Pcg, t.seed, Stop::MaxCustomers(120)).unwrap();
        assert_eq!(records, direct.records);
    }
}
