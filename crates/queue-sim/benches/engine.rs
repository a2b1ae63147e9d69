//! Criterion benchmarks of the engine: the talk's M/M/3 trial under both
//! generators, and a 100-node network. `cargo xtask bench` prints the same
//! figures with Ciw measured beside them.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use queue_sim::{Network, Simulation};

fn talk_trial(c: &mut Criterion) {
    let net = Network::mmc(0.2, 0.1, 3);
    c.bench_function("mm3_trial_pcg", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(&net, 0).unwrap();
            sim.run_until(10_000.0).unwrap();
            sim.records().len()
        })
    });
    c.bench_function("mm3_trial_ciw", |b| {
        b.iter(|| {
            let mut sim = Simulation::ciw(&net, 0).unwrap();
            sim.run_until(10_000.0).unwrap();
            sim.records().len()
        })
    });
}

fn hundred_nodes(c: &mut Criterion) {
    // About as many events (3000 and 4000) as the talk's trial (4000),
    // spread over 100 nodes.
    let ring = Network::ring(100, 0.1, 0.1, 3, 0.5);
    c.bench_function("ring100_max_time_100", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(&ring, 0).unwrap();
            sim.run_until(100.0).unwrap();
            sim.events_processed()
        })
    });
    // A ring that sends nobody onward: 100 copies of the talk's node.
    let copies = Network::ring(100, 0.2, 0.1, 3, 0.0);
    c.bench_function("copies100_max_time_100", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(&copies, 0).unwrap();
            sim.run_until(100.0).unwrap();
            sim.events_processed()
        })
    });
}

criterion_group!(benches, talk_trial, hundred_nodes);
criterion_main!(benches);
