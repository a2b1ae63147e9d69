//! `cargo xtask demo`: the talk replayed with timings, cell by cell
//! (`../shared/talk.md` holds its notebook). What replays each cell:
//!
//! | the talk's cells | replayed by |
//! |---|---|
//! | `run_simulation(num_servers, seed)`: Ciw M/M/c, max_time 10000, mean wait | `Trial::run` in Ciw mode (`--rng ciw`, the default), section `queueing` |
//! | `run_simulation(2, 0)` | "One run, 2 servers, seed 0" |
//! | `%%time` sequential loop over servers 1, 2, 3 x trials 0..100; `results` | "Sequential loop", then the table |
//! | first principles: `put_down_tasks`, `worker`, `start_workers`, `process_done_queue`, `mp.cpu_count()` workers | `Strategy::WorkQueue` (work and done channels, STOP sentinels), section `executors` |
//! | `pd.DataFrame(results).describe()` | the `describe()` table per server count (beside Erlang C, which the talk does not print) |
//! | `Pool.starmap(run_simulation, args)` | `Strategy::Pool` |
//! | `dask.delayed(run_simulation)` tasks, `dask.compute(*tasks, scheduler="processes")` | `Strategy::Graph` |
//! | `inc`/`add`/`mul`/`exp` sleeping 0.5 s; the plain `%%time` cell; `total` | section `graph`: "plain calls" and `total` |
//! | the same with `@dask.delayed`, `total.visualize(rankdir="LR")`, `total.compute()` | the graph computed synchronously, with 2 workers and with 5 (its width); drawn left to right |
//! | `dd.read_csv("flights.csv", dtype=...)`, `isin(nyc_codes)`, `groupby(...).mean()`, `visualize`, `compute(num_workers=8, scheduler="processes")` | section `dataframe` (`demo_frame.rs`) |
//! | `da.random.seed(0)`, `da.random.normal(size=(1e4, 1e4))`, `mean, std`, `dask.visualize(*[mean, std])`, `dask.compute([mean, std], num_workers=8, ...)` | section `array` (`demo_array.rs`): automatic chunks, one drawing of both |
//! | `C = A.dot(B).sum() / A.mean() * B.var()`, `C.visualize()` | section `array` |
//!
//! Differences on purpose, each said in the output where it happens: the
//! talk's processes are threads here (Rust has no GIL, so threads run in
//! parallel without copying inputs and results between processes); the
//! dataframe and array cells use the machine's cores where the talk asks
//! for 8; the random arrays come from this project's counter-based
//! generator, not numpy's, so their values differ from dask's while their
//! statistics agree.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use executors::output::Output;
use executors::{Executor, Progress, RankDir, Strategy};
use queue_sim::{Describe, Network, RngKind, Stop, Trial, TrialResult, theory};
use serde_json::{Map, Value, json};

use crate::figures::{described, drawing_stem, write_json};
use crate::talk::{self, ARRIVAL_RATE, MAX_TIME, SERVICE_RATE};

/// Options of `cargo xtask demo`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Run one section only: queueing, executors, graph, dataframe or array.
    section: Option<Section>,
    /// Also write every figure printed to this JSON file; its `results` are
    /// deterministic, its `timings_s` are not.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Generator: ciw (the talk's numbers exactly) or pcg.
    #[arg(long, default_value = "ciw")]
    rng: RngKind,
    /// Seeded trials per server count.
    #[arg(long, default_value_t = 100)]
    trials: u64,
    /// Workers for the parallel strategies (default: the number of cores).
    #[arg(long)]
    workers: Option<usize>,
    /// How long each function of the sleeping graph sleeps, in milliseconds.
    #[arg(long, default_value_t = 500)]
    nap_ms: u64,
    /// Stem of the drawings: `<stem>-graph`, `<stem>-flights`,
    /// `<stem>-array-mean-std` and `<stem>-array-c`, each `.dot` and (with
    /// Graphviz) `.svg`; an existing directory gets `<dir>/talk-...`.
    /// Default: `target/demo/talk` (its folder is created if missing).
    #[arg(long)]
    drawing: Option<PathBuf>,
    /// The flights data for the dataframe section (the default is generated
    /// on first use): `.csv`, `.csv.gz`, `.csv.zst`, `.parquet`, or a glob
    /// of them, by extension; `--csv` is an alias.
    #[arg(long = "input", visible_alias = "csv", default_value = crate::gen_data::DEFAULT_PATH)]
    csv: PathBuf,
    /// Bytes per partition of the CSV.
    #[arg(long, default_value_t = 64 << 20)]
    blocksize: usize,
    /// Rows and columns of the arrays.
    #[arg(long, default_value_t = 10_000)]
    size: usize,
    /// Side of a block of the arrays (default: dask's automatic chunks of
    /// about 128 MiB, as the talk leaves them).
    #[arg(long)]
    chunk: Option<usize>,
    /// Seed of the arrays.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also write a self-contained HTML performance report of the demo:
    /// each section's plots, task streams (with CPU and memory) and task
    /// graphs.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Executor for the dataframe and array sections; `mpi` under mpirun with a build
    /// with `--features mpi` (one section: demo dataframe or demo array).
    #[arg(long, default_value = "graph")]
    executor: crate::sim::Choice,
}

/// The demo's sections.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Section {
    /// One run and the sequential loop.
    Queueing,
    /// The experiment under every executor.
    Executors,
    /// The graph of sleeping functions.
    Graph,
    /// The flights query on a CSV file larger than memory.
    Dataframe,
    /// The talk's array cells: mean and std together, their graphs, C.
    Array,
}

pub(crate) fn run(args: Args) -> Result<()> {
    if args.workers == Some(0) {
        bail!("--workers: the number of workers must be at least 1");
    }
    // A bad --json or --drawing fails now, not after the demo.
    if let Some(path) = &args.json {
        Output::check(path)?.refuse_input(&args.csv, "flights CSV")?;
    }
    let stem = match &args.drawing {
        Some(path) if path.is_dir() => path.join("talk"),
        Some(path) => path.clone(),
        None => {
            let dir = Path::new(DEFAULT_DRAWINGS).parent().expect("the default has a folder");
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            PathBuf::from(DEFAULT_DRAWINGS)
        }
    };
    check_drawings(&stem, &args)?;
    if let Some(path) = &args.report {
        let output = Output::check(path).context("--report")?;
        output.refuse_input(&args.csv, "flights CSV").context("--report")?;
        if let Some(json) = &args.json
            && output.same_destination(&Output::check(json)?)
        {
            bail!("--report {} is also the --json file", path.display());
        }
    }
    let mut report = args.report.as_ref().map(|_| crate::demo_report::DemoReport::new());
    let strategy = match args.executor {
        crate::sim::Choice::Local(s) => s,
        crate::sim::Choice::Mpi if args.section == Some(Section::Dataframe) => {
            return crate::demo_frame::run_mpi(&args.csv, args.blocksize, args.json.as_deref());
        }
        crate::sim::Choice::Mpi if args.section == Some(Section::Array) => {
            // Each rank runs one work unit at a time; the strategy is unused.
            let array = crate::demo_array::ArrayArgs {
                size: args.size,
                chunk: args.chunk,
                seed: args.seed,
                executor: Strategy::Sequential,
                workers: Some(1),
                json: args.json.clone(),
                drawing: drawing_stem(&stem, "array"),
            };
            return crate::demo_array::run_mpi(&array);
        }
        crate::sim::Choice::Mpi => {
            bail!("--executor mpi runs the dataframe and array sections only: demo dataframe, demo array")
        }
    };
    if args.report.is_some() && !matches!(args.executor, crate::sim::Choice::Local(_)) {
        bail!("--report is not available with --executor mpi");
    }
    let wants = |s: Section| args.section.is_none_or(|x| x == s);
    let mut results = Map::new();
    let mut timings = Map::new();
    println!("# Parallelisation in Rust: the talk, replayed");
    if wants(Section::Queueing) {
        queueing(&args, &mut results, &mut timings, report.as_mut())?;
    }
    if wants(Section::Executors) {
        executors_section(&args, &mut results, &mut timings, report.as_mut())?;
    }
    if wants(Section::Graph) {
        graph(&args, &stem, &mut results, &mut timings, report.as_mut())?;
    }
    if wants(Section::Dataframe) {
        if args.csv.as_os_str() == crate::gen_data::DEFAULT_PATH {
            crate::gen_data::ensure(&args.csv)?;
        }
        let exec = Executor::new(strategy, args.workers.unwrap_or_else(talk::cores))?;
        let (exec, profilers) = match &report {
            Some(_) => {
                let (exec, p) = crate::demo_report::DemoReport::profiled(exec)?;
                (exec, Some(p))
            }
            None => (exec, None),
        };
        let (r, t) =
            crate::demo_frame::run(&args.csv, args.blocksize, &exec, &drawing_stem(&stem, "flights"))?;
        if let (Some(report), Some(profilers)) = (report.as_mut(), profilers) {
            report.airports(&r)?;
            report.stream(
                "Dataframe: task stream",
                "The flights query: one bar per partition read, filtered and aggregated, then the merges.",
                &profilers,
            );
            report.drawing_file(
                "Dataframe: task graph (mean_delay.visualize())",
                &drawing_stem(&stem, "flights"),
            );
        }
        results.insert("dataframe".into(), r);
        timings.insert("dataframe".into(), t);
    }
    if wants(Section::Array) {
        let array = crate::demo_array::ArrayArgs {
            size: args.size,
            chunk: args.chunk,
            seed: args.seed,
            executor: strategy,
            workers: args.workers,
            json: None, // the demo writes one JSON for every section
            drawing: drawing_stem(&stem, "array"),
        };
        let doc = crate::demo_array::run(&array)?;
        if let Some(report) = report.as_mut() {
            let exec =
                Executor::new(strategy, args.workers.unwrap_or_else(talk::cores))?.progress(Progress::Hidden);
            let chunks = args.chunk.map_or_else(chunked_array::Chunks::default, chunked_array::Chunks::Size);
            report.histogram(args.seed, args.size, chunks, &exec)?;
            let drawings = drawing_stem(&stem, "array");
            report
                .drawing_file("Array: graph of mean and std together", &drawing_stem(&drawings, "mean-std"));
            report.drawing_file("Array: graph of C", &drawing_stem(&drawings, "c"));
        }
        results.insert("array".into(), doc["results"].clone());
        timings.insert("array".into(), doc["timings_s"].clone());
    }
    if let Some(path) = &args.json {
        write_json(path, &json!({ "results": results, "timings_s": timings }))?;
    }
    if let (Some(report), Some(path)) = (report, &args.report) {
        let workers = args.workers.unwrap_or_else(talk::cores);
        let facts = [
            (
                "sections",
                args.section.map_or_else(
                    || "all".to_owned(),
                    |s| {
                        clap::ValueEnum::to_possible_value(&s)
                            .map_or_else(String::new, |v| v.get_name().to_owned())
                    },
                ),
            ),
            ("generator", args.rng.to_string()),
            ("trials per server count", args.trials.to_string()),
            ("workers", workers.to_string()),
            (
                "strategy of the profiled runs",
                "graph (the dataframe and array sections: --executor)".to_owned(),
            ),
        ];
        report.finish(path, &facts)?;
    }
    Ok(())
}

/// The drawings the demo may write, after the stem (`<stem>-<name>.dot`,
/// `.svg`).
const DRAWINGS: [&str; 4] = ["graph", "flights", "array-mean-std", "array-c"];

/// Checks every drawing the demo may write before any work: each can be
/// written, none is the flights CSV, none is the `--json` file.
fn check_drawings(stem: &Path, args: &Args) -> Result<()> {
    let place = |p: &Path| -> Option<PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    let json = args.json.as_deref().and_then(place);
    for name in DRAWINGS {
        for ending in ["dot", "svg"] {
            let path = drawing_stem(stem, &format!("{name}.{ending}"));
            let output = Output::check(&path).context("--drawing")?;
            output.refuse_input(&args.csv, "flights CSV").context("--drawing")?;
            if json.is_some() && place(&path) == json {
                bail!("--drawing: {} is also the --json file", path.display());
            }
        }
    }
    Ok(())
}

/// Where the drawings go unless `--drawing` says otherwise.
const DEFAULT_DRAWINGS: &str = "target/demo/talk";

fn queueing(
    args: &Args,
    results: &mut Map<String, Value>,
    timings: &mut Map<String, Value>,
    report: Option<&mut crate::demo_report::DemoReport>,
) -> Result<()> {
    println!();
    println!(
        "## An M/M/c queue: arrivals at rate {ARRIVAL_RATE}, services at rate {SERVICE_RATE}, \
         max_time {MAX_TIME}, generator {}",
        args.rng
    );
    println!();
    let one = Trial {
        network: Network::mmc(ARRIVAL_RATE, SERVICE_RATE, 2),
        servers: Some(2),
        seed: 0,
        stop: Stop::MaxTime(MAX_TIME),
        rng: args.rng,
    };
    let start = Instant::now();
    let one_result = one.run()?;
    let one_time = start.elapsed().as_secs_f64();
    println!(
        "One run, 2 servers, seed 0: {} records, mean wait {:?} ({})",
        one_result.records,
        one_result.mean_wait.unwrap_or(f64::NAN),
        ms(one_time)
    );
    println!();

    let trials = talk_trials(args)?;
    let start = Instant::now();
    let rows = trials.iter().map(Trial::run).collect::<Result<Vec<_>, _>>()?;
    let loop_time = start.elapsed().as_secs_f64();
    println!(
        "Sequential loop, servers 1, 2, 3 x seeds 0..{}: {} runs in {} ({} a run)",
        args.trials,
        rows.len(),
        ms(loop_time),
        ms(loop_time / rows.len().max(1) as f64)
    );
    println!();
    let per_servers = describe_table(&rows)?;
    if let Some(report) = report {
        report.queueing(&rows, args.rng)?;
    }
    let erlang = theory::mmc_mean_wait(ARRIVAL_RATE, SERVICE_RATE, 3);
    println!();
    match (erlang, per_servers.get("3").and_then(|d| d["mean"].as_f64())) {
        (Some(w), Some(m)) => println!(
            "c = 3: simulated mean wait {m:.4}, Erlang C (steady state) {w:.4}; with c = 1 (load 2) and \
             c = 2 (load 1) the queue has no steady state and waits grow with the horizon."
        ),
        (Some(w), None) => println!("c = 3: Erlang C (steady state) {w:.4}; no runs to compare with"),
        (None, _) => println!("c = 3: no Erlang C value"),
    }
    results.insert("rng".into(), json!(args.rng.to_string()));
    results.insert(
        "one_run".into(),
        json!({ "servers": 2, "seed": 0, "records": one_result.records, "mean_wait": one_result.mean_wait }),
    );
    results.insert("sweep".into(), json!({ "trials": args.trials, "mean_wait_by_servers": per_servers }));
    results.insert("erlang_c_mean_wait_c3".into(), json!(erlang));
    timings.insert("one_run".into(), json!(one_time));
    timings.insert("sequential_loop".into(), json!(loop_time));
    Ok(())
}

/// The talk's experiment with `--trials` seeds, refused before allocating
/// when its trials (each with its copy of the model) cannot fit in memory.
fn talk_trials(args: &Args) -> Result<Vec<Trial>> {
    let sweep = talk::experiment(args.trials, args.rng);
    // A trial, its model's heap parts, and its row twice over.
    crate::sim::check_memory(sweep.plan()?.len(), 1024)?;
    Ok(sweep.trials()?)
}

/// Prints pandas' `describe()` of the mean waits per server count; returns it.
fn describe_table(rows: &[TrialResult]) -> Result<Map<String, Value>> {
    println!("Mean waiting time per run, described per server count:");
    println!(
        "{:>7} {:>6} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "servers", "count", "mean", "std", "min", "25%", "50%", "75%", "max"
    );
    let mut servers: Vec<usize> = rows.iter().filter_map(|r| r.servers).collect();
    servers.dedup();
    let mut out = Map::new();
    for c in servers {
        let waits: Vec<f64> =
            rows.iter().filter(|r| r.servers == Some(c)).map(|r| r.mean_wait.unwrap_or(f64::NAN)).collect();
        let d = Describe::of(&waits);
        println!(
            "{c:>7} {:>6} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4}",
            d.count, d.mean, d.std, d.min, d.q25, d.q50, d.q75, d.max
        );
        out.insert(c.to_string(), serde_json::to_value(d)?);
    }
    Ok(out)
}

fn executors_section(
    args: &Args,
    results: &mut Map<String, Value>,
    timings: &mut Map<String, Value>,
    mut report: Option<&mut crate::demo_report::DemoReport>,
) -> Result<()> {
    let workers = args.workers.unwrap_or_else(talk::cores);
    let trials = talk_trials(args)?;
    println!();
    println!("## The same {} runs under every executor, {workers} workers", trials.len());
    println!();
    println!(
        "(The talk: a hand-made work queue, Pool.starmap and dask on processes, mp.cpu_count() workers; \
         here threads, the cores by default: Rust has no GIL.)"
    );
    println!();
    println!("{:>12} {:>8} {:>12} {:>9}", "executor", "workers", "wall time", "speed-up");
    let mut reference: Option<Vec<TrialResult>> = None;
    let mut sequential_time = f64::NAN;
    let mut table = Map::new();
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, workers)?.progress(Progress::Hidden);
        // The graph strategy's run is profiled for the report.
        let (exec, profilers) = match &report {
            Some(_) if strategy == Strategy::Graph => {
                let (exec, p) = crate::demo_report::DemoReport::profiled(exec)?;
                (exec, Some(p))
            }
            _ => (exec, None),
        };
        let start = Instant::now();
        let rows = exec.map(trials.clone(), |t| t.run())?;
        let time = start.elapsed().as_secs_f64();
        if let (Some(report), Some(profilers)) = (report.as_deref_mut(), &profilers) {
            report.stream(
                "Executors: task stream of the graph strategy",
                "The talk's experiment (one bar per run) on the graph scheduler's workers.",
                profilers,
            );
        }
        if strategy == Strategy::Sequential {
            sequential_time = time;
        }
        println!(
            "{:>12} {:>8} {:>12} {:>8.2}x",
            strategy.name(),
            exec.workers(),
            ms(time),
            sequential_time / time
        );
        table.insert(strategy.name().into(), json!({ "workers": exec.workers(), "seconds": time }));
        match &reference {
            None => reference = Some(rows),
            Some(r) if *r != rows => bail!("{strategy} gave different results from sequential"),
            Some(_) => {}
        }
    }
    println!();
    println!("Every executor gave the same {} results, bit for bit.", trials.len());
    let same = reference.map(|r| r.len()).unwrap_or(0);
    results.insert("executors_identical_results".into(), json!(same));
    timings.insert("executors".into(), Value::Object(table));
    Ok(())
}

fn graph(
    args: &Args,
    stem: &Path,
    results: &mut Map<String, Value>,
    timings: &mut Map<String, Value>,
    mut report: Option<&mut crate::demo_report::DemoReport>,
) -> Result<()> {
    let nap = Duration::from_millis(args.nap_ms);
    println!();
    println!(
        "## Custom parallelisation with a delayed graph: inc/add/mul/exp, each sleeping {} ms",
        args.nap_ms
    );
    println!();
    for line in [
        "results = []",
        "a = inc(1)",
        "for i in range(5):",
        "    b = mul(i, a)",
        "    c = add(a, b)",
        "    d = exp(b, c)",
        "    results.append(d)",
        "total = sum(results)",
    ] {
        println!("    {line}");
    }
    println!();
    let mut table = Map::new();
    println!("{:>32} {:>12}", "run", "wall time");
    let start = Instant::now();
    let plain = talk::sleeping_loop(nap).map_err(anyhow::Error::msg)?;
    let time = start.elapsed().as_secs_f64();
    println!("{:>32} {:>12}", "plain calls, one after another", ms(time));
    table.insert("plain calls".into(), json!(time));

    let (g, total) = talk::sleeping_graph(nap);
    let drawing = g.visualize(&[total.node()], RankDir::LeftRight, &drawing_stem(stem, "graph"))?;
    let width = usize::try_from(talk::BRANCHES)?;
    let mut value = None;
    for (label, exec) in [
        ("graph, synchronous".to_owned(), Executor::sequential()),
        ("graph, threaded, 2 workers".to_owned(), Executor::new(Strategy::Graph, 2)?),
        (format!("graph, threaded, {width} workers"), Executor::new(Strategy::Graph, width)?),
    ] {
        // The widest run is profiled for the report.
        let (exec, profilers) = match &report {
            Some(_) if exec.workers() == width => {
                let (exec, p) = crate::demo_report::DemoReport::profiled(exec)?;
                (exec, Some(p))
            }
            _ => (exec, None),
        };
        let start = Instant::now();
        let got = total.compute(&exec.progress(Progress::Hidden))?;
        let time = start.elapsed().as_secs_f64();
        if let (Some(report), Some(profilers)) = (report.as_deref_mut(), &profilers) {
            report.stream(
                &format!("Graph: task stream, {width} workers"),
                "The sleeping inc/add/mul/exp graph: bars coloured by function; the critical path is four calls long.",
                profilers,
            );
        }
        println!("{label:>32} {:>12}", ms(time));
        table.insert(label.clone(), json!(time));
        if got != plain {
            bail!("{label} computed {got}, the plain calls {plain}");
        }
        value = Some(got);
    }
    println!();
    println!("total = {plain} (every run gave it)");
    println!(
        "Sixteen sleeping calls: {} ms one after another; the graph's critical path is inc, mul, add, exp \
         ({} ms), which {width} workers reach.",
        16 * args.nap_ms,
        4 * args.nap_ms
    );
    println!("total.visualize(rankdir=\"LR\"): {}", described(&drawing));
    if let Some(report) = report {
        report.graph("Graph: total.visualize(rankdir=\"LR\", color=\"order\")", &g, &[total.node()]);
    }
    results.insert("graph_total".into(), json!(value));
    timings.insert("graph".into(), Value::Object(table));
    Ok(())
}

/// A duration in milliseconds, for printing.
pub(crate) fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}
