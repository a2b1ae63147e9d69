//! Criterion benchmarks of scheduler overhead: 10 000 trivial tasks under
//! each strategy, and 10 000 delayed calls built and computed as a graph.
//! `cargo xtask bench executors` prints the same on 100 000 with dask beside.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use executors::{Executor, Graph, Progress, Strategy};

const TASKS: u64 = 10_000;

fn map_overhead(c: &mut Criterion) {
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, 2).unwrap().progress(Progress::Hidden);
        c.bench_function(&format!("map_10k_trivial_{strategy}"), |b| {
            b.iter(|| exec.map((0..TASKS).collect(), |x| Ok::<_, String>(x.wrapping_mul(3))).unwrap())
        });
    }
}

fn graph_overhead(c: &mut Criterion) {
    let exec = Executor::new(Strategy::Graph, 2).unwrap().progress(Progress::Hidden);
    c.bench_function("graph_10k_delayed_calls", |b| {
        b.iter(|| {
            let g = Graph::new();
            let inc = g.delayed1("inc", |x: &u64| Ok::<_, String>(x + 1));
            let calls: Vec<_> = (0..TASKS).map(|i| inc.call(&g.value(i))).collect();
            let refs: Vec<_> = calls.iter().collect();
            g.compute(&refs, &exec).unwrap()
        })
    });
}

criterion_group!(benches, map_overhead, graph_overhead);
criterion_main!(benches);
