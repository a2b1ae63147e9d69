//! The executors' figures: scheduler overhead per trivial task, speed-up of
//! the talk's experiment and of a large sweep on two workers, the sleeping
//! graph on 2 and 16 workers; dask's threaded scheduler on the same work
//! when it is installed.

use std::time::{Duration, Instant};

use anyhow::Result;
use executors::{Executor, Graph, Progress, Strategy};
use queue_sim::{RngKind, TrialResult};

use super::{Args, median, python};
use crate::talk;

const WORKERS: usize = 2;

pub(crate) fn run(args: &Args) -> Result<()> {
    println!("## executors ({WORKERS} workers)");
    println!();
    println!("Scheduler overhead per trivial task, {} tasks (median of 3):", args.tasks);
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, WORKERS)?.progress(Progress::Hidden);
        let inputs: Vec<u64> = (0..args.tasks as u64).collect();
        let per_task = median_of(3, || {
            let start = Instant::now();
            let out = exec.map(inputs.clone(), |x| Ok::<_, String>(x.wrapping_mul(3)))?;
            std::hint::black_box(out);
            Ok(start.elapsed().as_secs_f64() / args.tasks as f64)
        })?;
        println!("  {:>28}: {:>7.3} us a task", format!("map, {strategy}"), per_task * 1e6);
    }
    let exec = Executor::new(Strategy::Graph, WORKERS)?.progress(Progress::Hidden);
    let per_call = median_of(3, || {
        let start = Instant::now();
        let g = Graph::new();
        let inc = g.delayed1("inc", |x: &u64| Ok::<_, String>(x + 1));
        let calls: Vec<_> = (0..args.tasks as u64).map(|i| inc.call(&g.value(i))).collect();
        let refs: Vec<_> = calls.iter().collect();
        std::hint::black_box(g.compute(&refs, &exec)?);
        Ok(start.elapsed().as_secs_f64() / args.tasks as f64)
    })?;
    println!(
        "  {:>28}: {:>7.3} us a call (building the graph included)",
        "graph, delayed inc calls",
        per_call * 1e6
    );
    match python(args, DASK_OVERHEAD, &["10000", &WORKERS.to_string()], "dask") {
        Ok(text) => {
            let mut parts = text.split_whitespace();
            let version = parts.next().unwrap_or("?").to_owned();
            let per: f64 = parts.next().unwrap_or("nan").parse().unwrap_or(f64::NAN);
            println!(
                "  {:>28}: {:>7.3} us a call (dask {version}, compute(*10 000 delayed), same run; {:.0}x ours)",
                "dask threads",
                per * 1e6,
                per / per_call
            );
        }
        Err(why) => println!("  dask: skipped ({why:#})"),
    }
    println!();

    println!("Speed-up on {WORKERS} workers against the sequential loop (median of 11 runs, then of 3):");
    speedups("the talk's 300 trials", &talk::experiment(100, RngKind::Ciw).trials()?, 11)?;
    let mut big = talk::experiment(args.big_trials.div_ceil(3), RngKind::Pcg).trials()?;
    big.truncate(usize::try_from(args.big_trials).map_err(|_| anyhow::anyhow!("--big-trials is too large"))?);
    speedups(&format!("{} trials", big.len()), &big, 3)?;
    println!();

    let nap = Duration::from_millis(args.nap_ms);
    println!(
        "The sleeping inc/add/mul/exp graph ({} ms naps, critical path {} ms):",
        args.nap_ms,
        4 * args.nap_ms
    );
    let (_, total) = talk::sleeping_graph(nap);
    let mut ours = Vec::new();
    for workers in [WORKERS, 16] {
        let exec = Executor::new(Strategy::Graph, workers)?.progress(Progress::Hidden);
        let start = Instant::now();
        total.compute(&exec)?;
        let t = start.elapsed().as_secs_f64();
        ours.push(t);
        println!("  {:>28}: {:>7.3} s", format!("graph, {workers} workers"), t);
    }
    match python(args, DASK_SLEEPING, &[&args.nap_ms.to_string()], "dask") {
        Ok(text) => {
            let t: Vec<f64> = text.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
            if let [two, sixteen] = t[..] {
                println!("  {:>28}: {:>7.3} s", "dask threads, 2 workers", two);
                println!("  {:>28}: {:>7.3} s", "dask threads, 16 workers", sixteen);
            }
        }
        Err(why) => println!("  dask: skipped ({why:#})"),
    }
    mpi_against_pool()
}

/// 10 000 M/M/3 trials with `mpirun -np 2` against the local pool, each
/// timed inside the sweep (MPI start-up excluded) and as a whole command.
fn mpi_against_pool() -> Result<()> {
    println!();
    println!("MPI: 10 000 M/M/3 trials (max_time 10000), sweep time, median of 3:");
    if !cfg!(feature = "mpi") {
        println!("  skipped (build with --features mpi: cargo build --release -p xtask --features mpi)");
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let sweep = ["sim", "--servers", "3", "--trials", "10000", "--report-time"];
    let sweep_time = |out: &std::process::Output| -> Option<f64> {
        let text = String::from_utf8_lossy(&out.stderr);
        text.lines()
            .find_map(|l| l.strip_prefix("sweep: ")?.split(" in ").nth(1)?.split(' ').next()?.parse().ok())
    };
    let mut pool = Vec::new();
    let mut mpi = Vec::new();
    for _ in 0..3 {
        let out = std::process::Command::new(&exe)
            .args(sweep)
            .args(["--executor", "pool", "--workers", "2"])
            .output()?;
        pool.push(sweep_time(&out).unwrap_or(f64::NAN));
        let out = std::process::Command::new("mpirun")
            .args(["--allow-run-as-root", "--oversubscribe", "-np", "2"])
            .arg(&exe)
            .args(sweep)
            .args(["--executor", "mpi"])
            .output();
        match out {
            Ok(out) if out.status.success() => mpi.push(sweep_time(&out).unwrap_or(f64::NAN)),
            _ => {
                println!("  skipped (mpirun failed or is missing: apt-get install openmpi-bin)");
                return Ok(());
            }
        }
    }
    let (p, m) = (median(&mut pool), median(&mut mpi));
    println!("  {:>28}: {:>7.3} s", "pool, 2 workers", p);
    println!("  {:>28}: {:>7.3} s ({:.2}x the pool's time)", "mpirun -np 2", m, m / p);
    Ok(())
}

fn median_of(runs: usize, mut f: impl FnMut() -> Result<f64>) -> Result<f64> {
    let mut v = (0..runs).map(|_| f()).collect::<Result<Vec<_>>>()?;
    Ok(median(&mut v))
}

fn speedups(label: &str, trials: &[queue_sim::Trial], runs: usize) -> Result<()> {
    let time = |strategy: Strategy| -> Result<f64> {
        let exec = Executor::new(strategy, WORKERS)?.progress(Progress::Hidden);
        median_of(runs, || {
            let start = Instant::now();
            let rows: Vec<TrialResult> = exec.map(trials.to_vec(), |t| t.run())?;
            std::hint::black_box(rows);
            Ok(start.elapsed().as_secs_f64())
        })
    };
    let sequential = time(Strategy::Sequential)?;
    let mut line = format!("  {label:>28}: sequential {sequential:.3} s");
    for strategy in [Strategy::WorkQueue, Strategy::Pool, Strategy::Graph] {
        let t = time(strategy)?;
        line += &format!(", {strategy} {:.2}x", sequential / t);
    }
    println!("{line}");
    Ok(())
}

const DASK_OVERHEAD: &str = r#"
import sys, time, statistics, dask
from dask import delayed
n, workers = int(sys.argv[1]), int(sys.argv[2])
def inc(x):
    return x + 1
times = []
for _ in range(3):
    t = time.perf_counter()
    dask.compute(*[delayed(inc)(i) for i in range(n)], scheduler="threads", num_workers=workers)
    times.append((time.perf_counter() - t) / n)
print(dask.__version__, statistics.median(times))
"#;

const DASK_SLEEPING: &str = r#"
import sys, time, dask
from dask import delayed
nap = int(sys.argv[1]) / 1000
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
outs = [sum(results)]
res = [dask.__version__]
for workers in (2, 16):
    t = time.perf_counter()
    dask.compute(*outs, scheduler="threads", num_workers=workers)
    res.append(str(time.perf_counter() - t))
print(" ".join(res))
"#;
