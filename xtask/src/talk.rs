//! The talk's workloads, shared by the demo and the benchmarks: the
//! 300-trial M/M/c experiment and the talk's cell of sleeping inc/add/mul/exp,
//! as plain calls and as a task graph.

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

/// Branches of the talk's custom graph, and so its width: with this many
/// workers every branch runs at once.
pub(crate) const BRANCHES: i64 = 5;

/// The talk's small functions, each sleeping `nap` first.
pub(crate) struct Sleepers {
    nap: Duration,
}

impl Sleepers {
    pub(crate) fn new(nap: Duration) -> Self {
        Self { nap }
    }

    pub(crate) fn inc(&self, x: i64) -> i64 {
        std::thread::sleep(self.nap);
        x + 1
    }

    pub(crate) fn add(&self, x: i64, y: i64) -> i64 {
        std::thread::sleep(self.nap);
        x + y
    }

    pub(crate) fn mul(&self, x: i64, y: i64) -> i64 {
        std::thread::sleep(self.nap);
        x * y
    }

    /// `x ** y`; an error where Python's integers would outgrow 64 bits.
    pub(crate) fn exp(&self, x: i64, y: i64) -> Result<i64, String> {
        std::thread::sleep(self.nap);
        u32::try_from(y).ok().and_then(|y| x.checked_pow(y)).ok_or_else(|| format!("{x}**{y} overflows"))
    }
}

/// The talk's first `%%time` cell, run as plain calls (no graph):
///
/// ```text
/// results = []
/// a = inc(1)
/// for i in range(5):
///     b = mul(i, a); c = add(a, b); d = exp(b, c); results.append(d)
/// total = sum(results)
/// ```
pub(crate) fn sleeping_loop(nap: Duration) -> Result<i64, String> {
    let f = Sleepers::new(nap);
    let mut results = Vec::new();
    let a = f.inc(1);
    for i in 0..BRANCHES {
        let b = f.mul(i, a);
        let c = f.add(a, b);
        let d = f.exp(b, c)?;
        results.push(d);
    }
    Ok(results.iter().sum())
}

/// The same cell with the functions wrapped as `@dask.delayed`: one shared
/// `inc`, five `mul`/`add`/`exp` branches reading it, and `total` summing
/// the five `exp`s through `add` tasks (as Python's `sum` does with the
/// delayed values' `+`). Sixteen sleeping calls, four on the critical path.
pub(crate) fn sleeping_graph(nap: Duration) -> (Graph, Delayed<i64>) {
    let g = Graph::new();
    let f = std::sync::Arc::new(Sleepers::new(nap));
    let inc = {
        let f = f.clone();
        g.delayed1("inc", move |x: &i64| Ok::<_, String>(f.inc(*x)))
    };
    let add = {
        let f = f.clone();
        g.delayed2("add", move |x: &i64, y: &i64| Ok::<_, String>(f.add(*x, *y)))
    };
    let mul = {
        let f = f.clone();
        g.delayed2("mul", move |x: &i64, y: &i64| Ok::<_, String>(f.mul(*x, *y)))
    };
    let exp = g.delayed2("exp", move |x: &i64, y: &i64| f.exp(*x, *y));
    let mut results = Vec::new();
    let a = inc.call(1);
    for i in 0..BRANCHES {
        let b = mul.call(i, &a);
        let c = add.call(&a, &b);
        let d = exp.call(&b, &c);
        results.push(d);
    }
    let total = g.sum(&results);
    (g, total)
}
