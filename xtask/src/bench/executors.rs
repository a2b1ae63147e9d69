//! The executors' figures: scheduler overhead per trivial task, speed-up of
//! the talk's experiment and of a large sweep on two workers, the sleeping
//! graph on 2 and 16 workers; dask's threaded scheduler on the same work
//! (2 workers, timed in one warm process as ours are) when it is installed.

use std::time::{Duration, Instant};

use anyhow::Result;
use executors::{Executor, Graph, Progress, Strategy};
use queue_sim::{RngKind, TrialResult};

use super::{Args, Report, Sizes, last_json, median, python, spread};
use crate::talk;

const WORKERS: usize = 2;
const WARM: &str = "in one process, run after run";

pub(crate) fn run(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    println!("## executors ({WORKERS} workers)");
    println!();
    overhead(args, sizes, report)?;
    println!();

    println!(
        "Speed-up on {WORKERS} workers against the sequential loop (median of {} runs, then of {}):",
        sizes.talk_runs, sizes.repeats
    );
    let talk_trials = talk::experiment(100, RngKind::Ciw).trials()?;
    speedups(report, "talk", "the talk's 300 trials", &talk_trials, sizes.talk_runs, 1.8)?;
    let mut big = talk::experiment(sizes.big_trials.div_ceil(3), RngKind::Pcg).trials()?;
    big.truncate(
        usize::try_from(sizes.big_trials).map_err(|_| anyhow::anyhow!("--big-trials is too large"))?,
    );
    speedups(report, "big", &format!("{} trials", big.len()), &big, sizes.repeats, 1.9)?;
    println!();

    sleeping(args, sizes, report)
}

/// Overhead per trivial task of each strategy's `map`, and per delayed call
/// of the graph, beside dask's per delayed call.
fn overhead(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let n = sizes.tasks;
    println!("Scheduler overhead per trivial task, {n} tasks (median of {}):", sizes.repeats);
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, WORKERS)?.progress(Progress::Hidden);
        let inputs: Vec<u64> = (0..n as u64).collect();
        let per_task = times(sizes.repeats, || {
            let start = Instant::now();
            let out = exec.map(inputs.clone(), |x| Ok::<_, String>(x.wrapping_mul(3)))?;
            std::hint::black_box(out);
            Ok(start.elapsed().as_secs_f64() / n as f64 * 1e6)
        })?;
        let m = median(&per_task);
        println!("  {:>28}: {m:>7.3} us a task ({})", format!("map, {strategy}"), spread(&per_task, 1.0, 3));
        let limit = if strategy == Strategy::Graph { 10.0 } else { 2.0 };
        report
            .measured(&format!("executors.overhead_{}_us", key(strategy)), "us", "executors", WARM, per_task)
            .target(&format!("at most {limit} us"), m <= limit);
    }
    let exec = Executor::new(Strategy::Graph, WORKERS)?.progress(Progress::Hidden);
    let ours_at = |calls: usize| {
        times(sizes.repeats, || {
            let start = Instant::now();
            let g = Graph::new();
            let inc = g.delayed1("inc", |x: &u64| Ok::<_, String>(x + 1));
            let calls_made: Vec<_> = (0..calls as u64).map(|i| inc.call(&g.value(i))).collect();
            let refs: Vec<_> = calls_made.iter().collect();
            std::hint::black_box(g.compute(&refs, &exec)?);
            Ok(start.elapsed().as_secs_f64() / calls as f64 * 1e6)
        })
    };
    let big = ours_at(n)?;
    let small = ours_at(sizes.dask_tasks)?;
    let (b, s) = (median(&big), median(&small));
    println!(
        "  {:>28}: {b:>7.3} us a call (building the graph included; {})",
        format!("graph, {n} delayed calls"),
        spread(&big, 1.0, 3)
    );
    println!(
        "  {:>28}: {s:>7.3} us a call ({})",
        format!("graph, {} delayed calls", sizes.dask_tasks),
        spread(&small, 1.0, 3)
    );
    report
        .measured("executors.delayed_call_us", "us", "executors", WARM, big)
        .target("at most 10 us", b <= 10.0);
    let script_args = [sizes.dask_tasks.to_string(), WORKERS.to_string(), sizes.repeats.to_string()];
    let script_args: Vec<&str> = script_args.iter().map(String::as_str).collect();
    match python(args, DASK_OVERHEAD, &script_args, "dask").and_then(|t| last_json(&t)) {
        Ok(doc) => {
            report.versions_from("dask", &doc);
            let theirs = samples(&doc["samples"], 1e6);
            let t = median(&theirs);
            println!(
                "  {:>28}: {t:>7.3} us a call (compute(*{} delayed), same run; {:.0}x ours on as many; {})",
                "dask threads",
                sizes.dask_tasks,
                t / s,
                spread(&theirs, 1.0, 3)
            );
            report
                .measured("executors.delayed_call_small_us", "us", "executors", WARM, small)
                .ratio(t / s, "dask's median / ours, same number of calls");
            report.measured("executors.dask_delayed_call_small_us", "us", "dask", WARM, theirs);
        }
        Err(why) => {
            println!("  dask: skipped ({why:#})");
            report.measured("executors.delayed_call_small_us", "us", "executors", WARM, small);
            report.skipped("executors.dask_delayed_call_small_us", "us", "dask", &format!("{why:#}"));
        }
    }
    Ok(())
}

/// The sleeping inc/add/mul/exp graph on 2 and 16 workers, ours and dask's.
fn sleeping(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let nap = Duration::from_millis(sizes.nap_ms);
    let path_s = 4.0 * nap.as_secs_f64();
    println!(
        "The sleeping inc/add/mul/exp graph ({} ms naps, critical path {} ms), median of {}:",
        sizes.nap_ms,
        4 * sizes.nap_ms,
        sizes.repeats
    );
    let (_, total) = talk::sleeping_graph(nap);
    for workers in [WORKERS, 16] {
        let exec = Executor::new(Strategy::Graph, workers)?.progress(Progress::Hidden);
        let runs = times(sizes.repeats, || {
            let start = Instant::now();
            total.compute(&exec)?;
            Ok(start.elapsed().as_secs_f64())
        })?;
        let t = median(&runs);
        println!("  {:>28}: {t:>7.3} s ({})", format!("graph, {workers} workers"), spread(&runs, 1.0, 3));
        let f = report.measured(&format!("executors.sleeping_{workers}w_s"), "s", "executors", WARM, runs);
        if workers == 16 {
            f.target(
                &format!("at most {:.3} s (the critical path and 5%)", path_s * 1.05),
                t <= path_s * 1.05,
            );
        }
    }
    let script_args = [sizes.nap_ms.to_string(), sizes.repeats.to_string()];
    let script_args: Vec<&str> = script_args.iter().map(String::as_str).collect();
    match python(args, DASK_SLEEPING, &script_args, "dask").and_then(|t| last_json(&t)) {
        Ok(doc) => {
            report.versions_from("dask", &doc);
            for workers in [WORKERS, 16] {
                let runs = samples(&doc[format!("w{workers}")], 1.0);
                let t = median(&runs);
                println!(
                    "  {:>28}: {t:>7.3} s ({})",
                    format!("dask threads, {workers} workers"),
                    spread(&runs, 1.0, 3)
                );
                report.measured(&format!("executors.dask_sleeping_{workers}w_s"), "s", "dask", WARM, runs);
            }
        }
        Err(why) => {
            println!("  dask: skipped ({why:#})");
            for workers in [WORKERS, 16] {
                report.skipped(
                    &format!("executors.dask_sleeping_{workers}w_s"),
                    "s",
                    "dask",
                    &format!("{why:#}"),
                );
            }
        }
    }
    Ok(())
}

/// A strategy's name as a JSON key: `work_queue`.
fn key(strategy: Strategy) -> String {
    strategy.name().replace('-', "_")
}

/// The numbers of a JSON array, times `scale`.
pub(super) fn samples(v: &serde_json::Value, scale: f64) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN) * scale).collect())
        .unwrap_or_default()
}

/// `f` run `runs` times.
fn times(runs: usize, mut f: impl FnMut() -> Result<f64>) -> Result<Vec<f64>> {
    (0..runs.max(1)).map(|_| f()).collect()
}

/// Wall times of the sequential loop and of each parallel strategy on
/// `trials`, and their speed-ups (median against median).
fn speedups(
    report: &mut Report,
    name: &str,
    label: &str,
    trials: &[queue_sim::Trial],
    runs: usize,
    target: f64,
) -> Result<()> {
    let time = |strategy: Strategy| -> Result<Vec<f64>> {
        let exec = Executor::new(strategy, WORKERS)?.progress(Progress::Hidden);
        times(runs, || {
            let start = Instant::now();
            let rows: Vec<TrialResult> = exec.map(trials.to_vec(), |t| t.run())?;
            std::hint::black_box(rows);
            Ok(start.elapsed().as_secs_f64())
        })
    };
    let seq_runs = time(Strategy::Sequential)?;
    let sequential = median(&seq_runs);
    println!("  {label:>28}: sequential {sequential:.3} s ({})", spread(&seq_runs, 1.0, 3));
    report.measured(&format!("executors.{name}_sequential_s"), "s", "executors", WARM, seq_runs);
    for strategy in [Strategy::WorkQueue, Strategy::Pool, Strategy::Graph] {
        let runs = time(strategy)?;
        let speedup = sequential / median(&runs);
        println!("  {:>28}: {speedup:.2}x ({})", format!("{strategy}"), spread(&runs, 1.0, 3));
        report.measured(&format!("executors.{name}_{}_s", key(strategy)), "s", "executors", WARM, runs);
        report
            .derived(&format!("executors.{name}_speedup_{}", key(strategy)), "x", "executors", speedup)
            .target(&format!("at least {target}x"), speedup >= target);
    }
    Ok(())
}

const DASK_OVERHEAD: &str = r#"
import sys, time, json, platform, dask
from dask import delayed
n, workers, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def inc(x):
    return x + 1
times = []
for _ in range(repeats):
    t = time.perf_counter()
    dask.compute(*[delayed(inc)(i) for i in range(n)], scheduler="threads", num_workers=workers)
    times.append((time.perf_counter() - t) / n)
print(json.dumps({"version": dask.__version__, "python": platform.python_version(), "samples": times}))
"#;

const DASK_SLEEPING: &str = r#"
import sys, time, json, platform, dask
from dask import delayed
nap, repeats = int(sys.argv[1]) / 1000, int(sys.argv[2])
def inc(x):
    time.sleep(nap); return x + 1
def add(x, y):
    time.sleep(nap); return x + y
def mul(x, y):
    time.sleep(nap); return x * y
def exp(x, y):
    time.sleep(nap); return x ** y
inc, add, mul, exp = (delayed(f) for f in (inc, add, mul, exp))
results = []
a = inc(1)
for i in range(5):
    b = mul(i, a)
    c = add(a, b)
    d = exp(b, c)
    results.append(d)
total = sum(results)
res = {"version": dask.__version__, "python": platform.python_version()}
for workers in (2, 16):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        total.compute(scheduler="threads", num_workers=workers)
        times.append(time.perf_counter() - t)
    res[f"w{workers}"] = times
print(json.dumps(res))
"#;
