//! The executors' figures: scheduler overhead per trivial task, speed-up of
//! the talk's experiment and of a large sweep on two workers, the sleeping
//! graph on 2 and 16 workers; dask's threaded scheduler on the same work
//! (2 workers, timed in one warm process as ours are) when it is installed;
//! what the profilers (`Profiler` and `ResourceProfiler` at its default
//! interval) add to the talk's sweep and to the graph's cost a task,
//! measured side by side with the same work unprofiled.

use std::time::{Duration, Instant};

use anyhow::Result;
use executors::{Executor, Graph, Profiler, Progress, ResourceProfiler, Strategy};
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

    profiling(sizes, report, &talk_trials)?;
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
    let ours_at = |calls: usize| times(sizes.repeats, || delayed_calls(calls, &exec));
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

/// What profiling costs: the talk's 300 trials on the pool and the graph's
/// trivial delayed calls, each timed plain and under a [`Profiler`] and a
/// [`ResourceProfiler`] at its default interval, the two alternating run
/// by run so that both see the same machine.
fn profiling(sizes: &Sizes, report: &mut Report, trials: &[queue_sim::Trial]) -> Result<()> {
    println!(
        "Profiling (Profiler and ResourceProfiler every {} ms), plain and profiled alternating:",
        executors::DEFAULT_INTERVAL.as_millis()
    );
    let exec = Executor::new(Strategy::Pool, WORKERS)?.progress(Progress::Hidden);
    let (mut plain, mut profiled) = (Vec::new(), Vec::new());
    let mut equal = true;
    for _ in 0..sizes.talk_runs.max(1) {
        let start = Instant::now();
        let expected = exec.map(trials.to_vec(), |t| t.run())?;
        plain.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let (rows, spans) = profiled_sweep(&exec, trials)?;
        profiled.push(start.elapsed().as_secs_f64());
        equal &= rows == expected && spans == trials.len();
    }
    let ratio = median(&profiled) / median(&plain);
    println!(
        "  {:>28}: plain {:.3} s ({}), profiled {:.3} s ({}): {ratio:.3}x (target at most 1.05x)",
        format!("the talk's {} trials, pool", trials.len()),
        median(&plain),
        spread(&plain, 1.0, 3),
        median(&profiled),
        spread(&profiled, 1.0, 3)
    );
    println!("  {:>28}: {}", "results", if equal { "equal to the plain run's" } else { "DIFFER" });
    report.measured("executors.talk_pool_plain_s", "s", "executors", WARM, plain);
    report.measured("executors.talk_pool_profiled_s", "s", "executors", WARM, profiled);
    report
        .derived("executors.profiling_sweep_ratio", "x", "executors", ratio)
        .ratio(ratio, "profiled median / plain median, alternating in one run")
        .target("at most 1.05x", ratio <= 1.05);
    report.check("executors.profiled_sweep_equal", equal, serde_json::json!({ "trials": trials.len() }));
    if !equal {
        anyhow::bail!("the profiled sweep's results differ from the plain sweep's");
    }

    let n = sizes.tasks;
    let graph = Executor::new(Strategy::Graph, WORKERS)?.progress(Progress::Hidden);
    let (mut plain, mut profiled) = (Vec::new(), Vec::new());
    // As many runs as the sweep's: a difference of a microsecond a call
    // needs more than three runs to stand out of a shared machine's noise.
    for _ in 0..sizes.talk_runs.max(1) {
        plain.push(delayed_calls(n, &graph)?);
        let (tasks, resources) = profilers()?;
        let exec = graph.clone().with_callback(tasks.clone()).with_callback(resources);
        profiled.push(delayed_calls(n, &exec)?);
        anyhow::ensure!(tasks.spans().len() > n, "the profiler missed tasks");
    }
    let extra = median(&profiled) - median(&plain);
    let ratio = median(&profiled) / median(&plain);
    println!(
        "  {:>28}: plain {:.3} us a call ({}), profiled {:.3} us ({}): {extra:+.3} us a call (target at most 2 us)",
        format!("graph, {n} delayed calls"),
        median(&plain),
        spread(&plain, 1.0, 3),
        median(&profiled),
        spread(&profiled, 1.0, 3)
    );
    report.measured("executors.delayed_call_plain_us", "us", "executors", WARM, plain);
    report.measured("executors.delayed_call_profiled_us", "us", "executors", WARM, profiled);
    report
        .derived("executors.profiling_task_extra_us", "us", "executors", extra)
        .ratio(ratio, "profiled median / plain median, alternating in one run")
        .target("at most 2 us a delayed call", extra <= 2.0);
    Ok(())
}

/// A [`Profiler`] and a [`ResourceProfiler`] on its clock at the default
/// interval, as `--report` attaches them.
fn profilers() -> Result<(std::sync::Arc<Profiler>, std::sync::Arc<ResourceProfiler>)> {
    let tasks = std::sync::Arc::new(Profiler::new());
    let resources = std::sync::Arc::new(ResourceProfiler::aligned_with(&tasks, executors::DEFAULT_INTERVAL)?);
    Ok((tasks, resources))
}

/// `trials` run by `exec` under fresh profilers: the results and the
/// number of tasks the profiler saw.
fn profiled_sweep(exec: &Executor, trials: &[queue_sim::Trial]) -> Result<(Vec<TrialResult>, usize)> {
    let (tasks, resources) = profilers()?;
    let exec = exec.clone().with_callback(tasks.clone()).with_callback(resources);
    let rows = exec.map(trials.to_vec(), |t| t.run())?;
    Ok((rows, tasks.spans().len()))
}

/// Microseconds a call of `n` trivial delayed calls computed by `exec`,
/// building the graph included.
fn delayed_calls(n: usize, exec: &Executor) -> Result<f64> {
    let start = Instant::now();
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u64| Ok::<_, String>(x + 1));
    let calls: Vec<_> = (0..n as u64).map(|i| inc.call(&g.value(i))).collect();
    let refs: Vec<_> = calls.iter().collect();
    std::hint::black_box(g.compute(&refs, exec)?);
    Ok(start.elapsed().as_secs_f64() / n as f64 * 1e6)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profiled_sweep_gives_the_plain_sweeps_results() {
        let trials = talk::experiment(4, RngKind::Ciw).trials().unwrap();
        for strategy in [Strategy::Sequential, Strategy::Pool, Strategy::Graph] {
            let exec = Executor::new(strategy, WORKERS).unwrap().progress(Progress::Hidden);
            let plain = exec.map(trials.clone(), |t| t.run()).unwrap();
            let (profiled, spans) = profiled_sweep(&exec, &trials).unwrap();
            assert_eq!(profiled, plain, "{strategy}");
            assert_eq!(spans, trials.len(), "{strategy}");
        }
    }

    #[test]
    fn the_profiling_cells_record_both_sides_the_cost_and_the_equality() {
        let sizes = Sizes {
            trials: 1,
            ciw_trials: 1,
            events: 1e-3,
            tasks: 50,
            dask_tasks: 10,
            big_trials: 3,
            talk_runs: 2,
            nap_ms: 1,
            repeats: 1,
            mpi_trials: 1,
            frame_rows: None,
            array: (10, 5),
            array_repeats: 1,
            demo_repeats: 1,
        };
        let mut report = Report::default();
        let trials = talk::experiment(2, RngKind::Ciw).trials().unwrap();
        profiling(&sizes, &mut report, &trials).unwrap();
        let doc = report.to_json(serde_json::Value::Null);
        let figure = |name: &str| {
            doc["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("no {name}"))
        };
        for side in
            ["talk_pool_plain_s", "talk_pool_profiled_s", "delayed_call_plain_us", "delayed_call_profiled_us"]
        {
            let f = figure(&format!("executors.{side}"));
            assert_eq!(f["repeats"], 2, "{f}: one per run of the sweep");
            assert!(f["value"].as_f64().is_some_and(|x| x > 0.0), "{f}");
        }
        let ratio = figure("executors.profiling_sweep_ratio");
        assert!(ratio["value"].as_f64().is_some_and(|x| x > 0.0) && ratio["target"]["met"].is_boolean());
        let extra = figure("executors.profiling_task_extra_us");
        assert!(extra["value"].as_f64().is_some_and(f64::is_finite) && extra["target"]["met"].is_boolean());
        assert_eq!(doc["checks"][0]["name"], "executors.profiled_sweep_equal");
        assert_eq!(doc["checks"][0]["passed"], true);
    }
}
