//! The talk's workloads, shared by the demo and the benchmarks: the
//! 300-trial M/M/c experiment and the graph of sleeping inc/add/mul/exp.

use std::time::Duration;

use executors::{Delayed, Graph};
use queue_sim::{Network, RngKind, Stop, Sweep};

/// Arrival rate of the talk's queue.
pub(crate) const ARRIVAL_RATE: f64 = 0.2;
/// Service rate of the talk's queue.
pub(crate) const SERVICE_RATE: f64 = 0.1;
/// Horizon of each trial.
pub(crate) const MAX_TIME: f64 = 10_000.0;

/// Servers 1, 2, 3 x `trials` seeds from 0: the talk's experiment.
pub(crate) fn experiment(trials: u64, rng: RngKind) -> Sweep {
    Sweep {
        network: Network::mmc(ARRIVAL_RATE, SERVICE_RATE, 1),
        servers: vec![1, 2, 3],
        trials,
        seed: 0,
        stop: Stop::MaxTime(MAX_TIME),
        rng,
    }
}

/// The number of cores, the default worker count.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The talk's custom graph of small functions that each sleep `nap`:
/// eight `inc`, four `add` of pairs, four `mul`, four `exp`; twenty tasks
/// whose critical path is four naps long. Returns the four `exp` outputs.
pub(crate) fn sleeping_graph(nap: Duration) -> (Graph, Vec<Delayed<i64>>) {
    let g = Graph::new();
    let sleep = move || std::thread::sleep(nap);
    let inc = g.delayed1("inc", move |x: &i64| {
        sleep();
        Ok::<_, String>(x + 1)
    });
    let add = g.delayed2("add", move |x: &i64, y: &i64| {
        sleep();
        Ok::<_, String>(x + y)
    });
    let mul = g.delayed2("mul", move |x: &i64, y: &i64| {
        sleep();
        Ok::<_, String>(x * y)
    });
    let exp = g.delayed2("exp", move |x: &i64, y: &i64| {
        sleep();
        u32::try_from(*y).ok().and_then(|y| x.checked_pow(y)).ok_or_else(|| format!("{x}^{y} overflows"))
    });
    let incs: Vec<_> = (0..8i64).map(|i| inc.call(&g.value(i))).collect();
    let sums: Vec<_> = incs.chunks(2).map(|p| add.call(&p[0], &p[1])).collect();
    let outputs = sums
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let m = mul.call(s, &g.value(j as i64 + 1));
            exp.call(&m, &g.value(2i64))
        })
        .collect();
    (g, outputs)
}
