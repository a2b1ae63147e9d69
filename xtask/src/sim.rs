//! `cargo xtask sim`: a sweep of server counts x seeded trials under any
//! executor, written as CSV with one row per run
//! (`servers,seed,records,mean_wait,utilisation`), or as Parquet when
//! `--out` ends in `.parquet` (`sim_rows.rs`). With `--out`, finished
//! rows are journaled as they complete, so that `--resume` after a kill
//! finishes the sweep without redoing them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use executors::checkpoint::{self, Journal, JournalSpec};
use executors::output::Output;
use executors::{Executor, Strategy};
use queue_sim::{Network, RngKind, Stop, Sweep, SweepPlan, TrialResult};

use crate::sim_rows::{Part, RunRows};
use crate::talk;

/// Options of `cargo xtask sim`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Arrival rate of the M/M/c queue (ignored with --model).
    #[arg(long, default_value_t = 0.2, allow_negative_numbers = true)]
    arrival_rate: f64,
    /// Service rate of the M/M/c queue (ignored with --model).
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    service_rate: f64,
    /// Server counts to sweep, comma-separated; with --model they replace the
    /// servers of every node, and without it the model's own are used.
    #[arg(long, value_delimiter = ',')]
    servers: Option<Vec<usize>>,
    /// A network in TOML instead of the M/M/c queue.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Horizon of each run.
    #[arg(long, default_value_t = 10_000.0, allow_negative_numbers = true)]
    max_time: f64,
    /// Stop each run after this many customers instead, counted as --count says.
    #[arg(long, conflicts_with = "max_time")]
    max_customers: Option<u64>,
    /// How --max-customers counts, as Ciw's methods: complete (left the
    /// network), arrive (arrived, rejected ones included), accept (arrived
    /// and accepted), finish (completed or rejected).
    #[arg(long, value_enum, default_value = "complete", requires = "max_customers")]
    count: Count,
    /// Runs per server count; trial i is seeded seed + i.
    #[arg(long, default_value_t = 100)]
    trials: u64,
    /// Seed of trial 0.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Generator: pcg (fast) or ciw (reproduces Ciw 3.2.7 runs of ciw.seed(seed + i)).
    #[arg(long, default_value = "pcg")]
    rng: RngKind,
    /// Output file; standard output when absent. Rows are journaled to
    /// `<out>.journal` as they finish and the file is written at the end,
    /// as CSV, or as Parquet when its name ends in `.parquet`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// How trials run: sequential, work-queue, pool, graph, or mpi (a build
    /// with `--features mpi`, started by mpirun).
    #[arg(long, default_value = "pool")]
    executor: Choice,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Continue a killed run: keep the rows in `<out>.journal`, run the rest.
    #[arg(long, requires = "out")]
    resume: bool,
    /// Also write every record of every run to this CSV file: the columns
    /// `servers,seed` then Ciw's record fields (floats in shortest
    /// round-trip form, classes by name, nodes from 1, -1 for the exit),
    /// runs in sweep order, each run's records in the order Ciw's
    /// `get_all_records()` lists them.
    /// The sweep then runs in chunks whose records are streamed out; its rows
    /// are not journaled (no --resume). Parquet when the name ends in
    /// `.parquet` (a row group per 65,536 records).
    #[arg(long, conflicts_with = "resume")]
    records: Option<PathBuf>,
    /// Run each trial until its network deadlocks (Ciw's
    /// `simulate_until_deadlock`) instead of to a time or a count; the rows
    /// gain a column `time_to_deadlock`, counted from 0.
    #[arg(long, conflicts_with_all = ["max_time", "max_customers"])]
    until_deadlock: bool,
    /// Also write each run's state probabilities over the whole run (Ciw's
    /// `state_probabilities`) to this CSV file: rows
    /// `servers,seed,state,probability`, states as Ciw prints them, runs in
    /// sweep order. Needs --tracker; the rows are not journaled. Parquet
    /// when the name ends in `.parquet`. With --records, both files come
    /// from the same runs.
    #[arg(long, requires = "tracker", conflicts_with_all = ["resume", "summary", "report", "plots"])]
    state_probabilities: Option<PathBuf>,
    /// The state tracker for --state-probabilities: system, node,
    /// subset:0,2 (nodes from 0), groups:0,1;2, node_class,
    /// naive_blocking or matrix_blocking (Ciw's trackers).
    #[arg(long, requires = "state_probabilities", value_parser = parse_tracker)]
    tracker: Option<queue_sim::Tracker>,
    /// Print the sweep's wall time to standard error.
    #[arg(long)]
    report_time: bool,
    /// Write a summary across runs instead of one row per run: per server
    /// count, node and class (all classes, then each when there are
    /// several), each statistic's mean with a 95% confidence interval
    /// (Student t), standard deviation and quantiles, and queueing theory's
    /// value where one exists. As a table (the default) or as CSV.
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "table",
          conflicts_with_all = ["resume", "records"])]
    summary: Option<crate::sim_summary::Format>,
    /// Leave out customers who arrived before this time from every
    /// statistic of --summary, --report and --plots (the warm-up of
    /// steady-state estimates).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    warmup: f64,
    /// Also write a self-contained HTML report of the sweep: its facts,
    /// the summary, the box plots of mean wait, customers in the system
    /// against time, and the task stream with CPU and memory.
    #[arg(long, conflicts_with_all = ["resume", "records"])]
    report: Option<PathBuf>,
    /// Also write the report's pictures as SVG files into this directory
    /// (created if missing): mean-wait.svg, in-system.svg, waits.svg and
    /// task-stream.svg.
    #[arg(long, conflicts_with_all = ["resume", "records"])]
    plots: Option<PathBuf>,
    /// Events a run may take before it stops with an error (a guard against
    /// runs that would never end).
    #[arg(long, default_value_t = queue_sim::DEFAULT_EVENT_BUDGET)]
    event_budget: u64,
}

/// Options of the hidden `mpi-selftest`.
#[derive(clap::Args)]
pub(crate) struct SelftestArgs {
    /// Tasks to run.
    #[arg(long, default_value_t = 100)]
    tasks: u64,
    /// A task to panic, if any.
    #[arg(long)]
    fail_at: Option<u64>,
    /// Maps run back to back; their tasks sleep up to a few milliseconds,
    /// unevenly, so that ranks finish a map at different times.
    #[arg(long, default_value_t = 1)]
    rounds: u32,
}

/// Squares of 0..tasks across the ranks; rank 0 prints their sum.
#[cfg(feature = "mpi")]
pub(crate) fn selftest(args: SelftestArgs) -> Result<()> {
    let mpi = executors::mpi::Mpi::initialize().context("MPI is already initialized")?;
    let fail_at = args.fail_at;
    for round in 0..u64::from(args.rounds) {
        let out = mpi.map((0..args.tasks).collect(), |i: u64| {
            assert!(Some(i) != fail_at, "task {i} was told to fail");
            if args.rounds > 1 {
                let ms = (i * 7 + round * 3 + u64::from(mpi.rank() as u32) * 5) % 4;
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            Ok::<_, String>(i * i + round)
        })?;
        if let Some(squares) = out {
            println!("{} {}", mpi.size(), squares.iter().sum::<u64>());
        }
    }
    Ok(())
}

#[cfg(not(feature = "mpi"))]
pub(crate) fn selftest(_: SelftestArgs) -> Result<()> {
    bail!("this xtask was built without MPI (--features mpi)")
}

pub(crate) fn run(args: Args) -> Result<()> {
    let (network, default_servers) = match &args.model {
        Some(path) => (
            Network::from_toml_file(path).with_context(|| format!("invalid model {}", path.display()))?,
            vec![],
        ),
        None => (Network::mmc(args.arrival_rate, args.service_rate, 1), vec![1, 2, 3]),
    };
    let sweep = Sweep {
        network,
        servers: args.servers.clone().unwrap_or(default_servers),
        trials: args.trials,
        seed: args.seed,
        stop: args.stop(),
        rng: args.rng,
    };
    sweep.network.validate().context("invalid model")?;
    crate::sim_rows::refuse_parquet(args.report.as_deref(), "--report", "an HTML page")?;
    if args.summary.is_some() {
        crate::sim_rows::refuse_parquet(
            args.out.as_deref(),
            "--out",
            "the summary (a table or CSV) with --summary",
        )?;
    }
    if args.summary.is_none() && args.report.is_none() && args.plots.is_none() && args.warmup != 0.0 {
        bail!("--warmup applies to --summary, --report and --plots: add one of them");
    }
    let plan = sweep.plan().context("invalid sweep")?.event_budget(args.event_budget);
    let outputs = [args.out.as_deref(), args.records.as_deref(), args.state_probabilities.as_deref()];
    crate::sim_rows::check_seeds(&outputs, sweep.seed, sweep.trials)?;
    // The row, the executor's copies of it, the index and its task, twice
    // over: the graph strategy was measured at 1.4 times the rows and tasks.
    check_memory(plan.len(), 2 * (3 * std::mem::size_of::<TrialResult>() + 32))?;
    let run = journal_run(&sweep);
    let strategy = match args.executor {
        Choice::Local(s) => s,
        Choice::Mpi if args.records.is_some() || args.state_probabilities.is_some() => {
            bail!(
                "--records and --state-probabilities are not available with --executor mpi: run the sweep with a local executor"
            )
        }
        Choice::Mpi if args.summary.is_some() || args.report.is_some() || args.plots.is_some() => {
            bail!(
                "--summary, --report and --plots are not available with --executor mpi: run the sweep with a local executor"
            )
        }
        Choice::Mpi => return run_mpi(&plan, &args, run),
    };
    let exec = Executor::new(strategy, args.workers.unwrap_or_else(talk::cores)).context("--workers")?;
    if args.summary.is_some() || args.report.is_some() || args.plots.is_some() {
        return summarise(&args, &sweep, &plan, &exec);
    }
    if args.records.is_some() || args.state_probabilities.is_some() {
        let output = match &args.out {
            Some(out) => Output::check(out)?,
            None => Output::stdout(),
        };
        if let Some(model) = &args.model {
            output.refuse_input(model, "model file")?;
        }
        let records =
            args.records.as_deref().map(|p| side_output(&args, p, &output, "--records")).transpose()?;
        let shares = args
            .state_probabilities
            .as_deref()
            .map(|p| side_output(&args, p, &output, "--state-probabilities"))
            .transpose()?;
        if let (Some(records), Some(shares)) = (&records, &shares)
            && records.same_destination(shares)
        {
            bail!("--records and --state-probabilities name the same file: give each a place of its own");
        }
        if let Some(tracker) = &args.tracker {
            tracker.check(sweep.network.nodes.len()).context("--tracker")?;
        }
        let start = std::time::Instant::now();
        let classes = || crate::sim_rows::Records {
            classes: sweep.network.classes.iter().map(|c| c.name.clone()).collect(),
        };
        let rows = match (&records, &shares, &args.tracker) {
            (Some(records), Some(shares), Some(tracker)) => {
                type Both = (Vec<queue_sim::Record>, queue_sim::StateShares);
                let classes = classes();
                let first = Part(&classes, |both: &Both| &both.0);
                let second = Part(&crate::sim_rows::States, |both: &Both| &both.1);
                stream_runs(&plan, &exec, &[(records, &first), (shares, &second)], |i| {
                    plan.run_tracked_with_records(i, tracker)
                        .map(|(row, shares, records)| (row, (records, shares)))
                })?
            }
            (None, Some(shares), Some(tracker)) => {
                stream_runs(&plan, &exec, &[(shares, &crate::sim_rows::States)], |i| {
                    plan.run_tracked(i, tracker)
                })?
            }
            (Some(records), None, _) => {
                stream_runs(&plan, &exec, &[(records, &classes())], |i| plan.run_with_records(i))?
            }
            _ => bail!("--state-probabilities needs --tracker"),
        };
        if args.report_time {
            report_time(rows.len(), start.elapsed(), &strategy.to_string(), false);
        }
        crate::sim_rows::write(&output, &rows)?;
        return Ok(());
    }
    let (output, journal) = prepare_output(&args, run)?;
    let start = std::time::Instant::now();
    let indices: Vec<usize> = (0..plan.len()).collect();
    let rows = match &journal {
        Some(journal) => checkpoint::map_verified(
            &exec,
            indices,
            |i| plan.run(i),
            journal,
            |&i, row| check_row(&plan, i, row),
        )?,
        // One long run: a bar by simulated time on a terminal (the sweep's
        // bar counts runs, which says nothing here).
        None if plan.len() == 1 && std::io::stderr().is_terminal() => vec![run_with_bar(&plan, sweep.stop)?],
        None => exec.map(indices, |i| plan.run(i))?,
    };
    if args.report_time {
        report_time(rows.len(), start.elapsed(), &strategy.to_string(), args.resume);
    }
    crate::sim_rows::write(&output, &rows)?;
    if let Some(journal) = journal {
        finish_journal(journal);
    }
    Ok(())
}

/// `--summary`, `--report`, `--plots`: the sweep run keeping each run's
/// statistics; the summary (or the rows) to `--out` or standard output,
/// the pictures and the report to their files.
fn summarise(args: &Args, sweep: &Sweep, plan: &SweepPlan, exec: &Executor) -> Result<()> {
    use crate::sim_summary::Format;
    let setup = crate::sim_summary::Setup {
        network: &sweep.network,
        servers: &sweep.servers,
        trials: sweep.trials,
        stop: sweep.stop,
        warmup: args.warmup,
        mmc: args.model.is_none().then_some((args.arrival_rate, args.service_rate)),
    };
    setup.check()?;
    let output = match &args.out {
        Some(path) => Output::check(path)?,
        None => Output::stdout(),
    };
    if let Some(model) = &args.model {
        output.refuse_input(model, "model file")?;
    }
    crate::sim_report::check(args.plots.as_deref(), args.report.as_deref(), args.model.as_deref())?;
    let pictures_wanted = args.report.is_some() || args.plots.is_some();
    let profilers = crate::sim_report::Profilers::new()?;
    let exec = if pictures_wanted {
        exec.clone().with_callback(profilers.tasks.clone()).with_callback(profilers.resources.clone())
    } else {
        exec.clone()
    };
    let start = std::time::Instant::now();
    let (rows, groups) = setup.run(plan, &exec)?;
    let wall = start.elapsed();
    if args.report_time {
        report_time(rows.len(), wall, &exec.strategy().to_string(), false);
    }
    match args.summary {
        Some(format) => {
            let mut text = Vec::new();
            setup.write(&mut text, &groups, format)?;
            output.write(|w| w.write_all(&text))?;
        }
        None => crate::sim_rows::write(&output, &rows)?,
    }
    if !pictures_wanted {
        return Ok(());
    }
    let pictures = crate::sim_report::pictures(&setup, &groups, args.rng, args.seed, &profilers)?;
    if let Some(dir) = &args.plots {
        for path in crate::sim_report::write_plots(dir, &pictures)? {
            eprintln!("plot written to {}", path.display());
        }
    }
    if let Some(path) = &args.report {
        let mut table = Vec::new();
        setup.write(&mut table, &groups, Format::Table)?;
        let peak = profilers.resources.peak_memory().map(|b| b as f64 / 1e6);
        let model = match &args.model {
            Some(m) => m.display().to_string(),
            None => format!(
                "M/M/c, arrivals at rate {}, services at rate {}",
                args.arrival_rate, args.service_rate
            ),
        };
        let facts = [
            ("model", model),
            ("servers", setup.servers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            (
                "runs",
                format!("{} ({} per server count, seeds from {})", rows.len(), sweep.trials, sweep.seed),
            ),
            ("stop", format!("{:?}", sweep.stop)),
            ("warm-up", args.warmup.to_string()),
            ("generator", args.rng.to_string()),
            ("strategy", exec.strategy().to_string()),
            ("workers", exec.workers().to_string()),
            ("tasks", profilers.tasks.spans().len().to_string()),
            ("wall time", format!("{:.3} s", wall.as_secs_f64())),
            ("peak memory", peak.map_or_else(|| "unknown".into(), |mb| format!("{mb:.1} MB resident"))),
        ];
        let report = crate::sim_report::report(
            "Simulation sweep",
            &facts,
            &String::from_utf8_lossy(&table),
            &pictures,
        );
        report.write(&Output::check(path)?)?;
        eprintln!("report written to {}", path.display());
    }
    Ok(())
}

/// Runs the one run of `plan` with a progress bar on standard error by
/// simulated time (a spinner with the clock for other stops), shown once
/// the run has taken a second, as Ciw's `progress_bar=True`.
fn run_with_bar(plan: &SweepPlan, stop: Stop) -> Result<TrialResult> {
    let started = std::time::Instant::now();
    let (length, unit) = match stop {
        Stop::MaxTime(_) => (Some(1000), ""),
        Stop::MaxCustomers(n) | Stop::MaxFinished(n) | Stop::MaxArrivals(n) | Stop::MaxAccepted(n) => {
            (Some(n), " customers")
        }
        _ => (None, ""),
    };
    let bar = indicatif::ProgressBar::with_draw_target(length, indicatif::ProgressDrawTarget::hidden());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{wide_bar} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    let shown = bar.clone();
    let row = plan.run_with_progress(0, move |now, counted| {
        if started.elapsed() > std::time::Duration::from_secs(1) && shown.is_hidden() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        match (stop, counted) {
            (Stop::MaxTime(end), _) => {
                // `as`: a fraction in [0, 1] of 1000 steps.
                shown.set_position((now / end * 1000.0).clamp(0.0, 1000.0) as u64);
                shown.set_message(format!("simulated time {now:.0} of {end}"));
            }
            (_, Some(n)) => {
                shown.set_position(n);
                shown.set_message(format!("{n} of {}{unit} (simulated time {now:.0})", length.unwrap_or(0)));
            }
            _ => shown.set_message(format!("simulated time {now:.0}")),
        }
    });
    bar.finish_and_clear();
    Ok(row?)
}

/// Checks a second output (`--records PATH`, `--state-probabilities
/// PATH`, named by `flag`) before any work: writable, not the model, not
/// the rows' own output nor their journal.
fn side_output(args: &Args, path: &Path, rows: &Output, flag: &str) -> Result<Output> {
    let records = Output::check(path)?;
    if let Some(model) = &args.model {
        records.refuse_input(model, "model file")?;
    }
    if let Some(out) = &args.out
        && records.same_destination(&Output::check(&journal_path(out))?)
    {
        bail!(
            "{flag} {} would write over the journal of --out {}: give it a place of its own",
            path.display(),
            out.display()
        );
    }
    if records.same_destination(rows) {
        bail!(
            "{flag} {} would write where the rows go ({}): give it a place of its own",
            path.display(),
            args.out.as_deref().map_or_else(|| "standard output".into(), |p| p.display().to_string())
        );
    }
    Ok(records)
}

fn parse_tracker(text: &str) -> Result<queue_sim::Tracker, String> {
    queue_sim::Tracker::parse(text)
}

/// Runs the sweep in chunks of runs (enough to keep every worker busy, few
/// enough to bound memory), each run giving its row and something more
/// that each of `outputs` (one or two) writes its part of to its file (as
/// CSV, or Parquet by its extension) in sweep order; returns the rows.
/// Each file is written whole or not at all.
fn stream_runs<T: Send + 'static>(
    plan: &SweepPlan,
    exec: &Executor,
    outputs: &[(&Output, &dyn RunRows<T>)],
    run: impl Fn(usize) -> Result<(TrialResult, T), queue_sim::SimError> + Sync,
) -> Result<Vec<TrialResult>> {
    let mut rows = Vec::with_capacity(plan.len());
    let chunk = 64 * exec.workers().max(1);
    let mut each_run = |emit: &mut dyn FnMut(&TrialResult, &T) -> Result<()>| -> Result<()> {
        for start in (0..plan.len()).step_by(chunk) {
            let indices: Vec<usize> = (start..plan.len().min(start + chunk)).collect();
            for (row, more) in exec.map(indices, &run)? {
                emit(&row, &more)?;
                rows.push(row);
            }
        }
        Ok(())
    };
    fn sink<'w, 'r, T>(
        w: &'w mut dyn std::io::Write,
        (out, rows_of): (&Output, &'r dyn RunRows<T>),
    ) -> Result<crate::sim_rows::Sink<'w, 'r, T>> {
        crate::sim_rows::Sink::new(w, crate::sim_rows::Format::of(out.path()), rows_of, out.path())
    }
    match *outputs {
        [a] => write_whole(a.0, |w| {
            let mut a = sink(w, a)?;
            each_run(&mut |row, more| a.run(row, more))?;
            a.finish()
        })?,
        [a, b] => write_whole(a.0, |wa| {
            write_whole(b.0, |wb| {
                let (mut a, mut b) = (sink(wa, a)?, sink(wb, b)?);
                each_run(&mut |row, more| {
                    a.run(row, more)?;
                    b.run(row, more)
                })?;
                b.finish()?;
                a.finish()
            })
        })?,
        _ => bail!("{} outputs for the runs: one or two expected", outputs.len()),
    }
    Ok(rows)
}

/// Writes `out` whole or not at all with `write`, whose own error is given
/// back as it was; the file's own error (a closed pipe, a full disk) names
/// the file.
fn write_whole(out: &Output, write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>) -> Result<()> {
    let mut failure: Option<anyhow::Error> = None;
    let written = out.write(|w| {
        write(w).map_err(|e| {
            let message = format!("{e:#}");
            // A closed pipe or a full disk is the output's own error.
            let kind = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
            failure = Some(e);
            match kind {
                Some(kind) => std::io::Error::new(kind, message),
                None => std::io::Error::other(message),
            }
        })
    });
    if let Some(e) = failure
        && e.downcast_ref::<std::io::Error>().is_none()
    {
        return Err(e);
    }
    Ok(written?)
}

/// What a sweep's journal is checked against on resume: everything that
/// determines its rows.
fn journal_run(sweep: &Sweep) -> Vec<(String, String)> {
    let model = serde_json::to_vec(&sweep.network).expect("a network serializes");
    let servers: Vec<String> = sweep.servers.iter().map(ToString::to_string).collect();
    let stop = match sweep.stop {
        Stop::MaxTime(t) => format!("--max-time {t:?}"),
        Stop::MaxCustomers(n) => format!("--max-customers {n} --count complete"),
        Stop::MaxArrivals(n) => format!("--max-customers {n} --count arrive"),
        Stop::MaxAccepted(n) => format!("--max-customers {n} --count accept"),
        Stop::MaxFinished(n) => format!("--max-customers {n} --count finish"),
        _ => "--until-deadlock".to_owned(),
    };
    [
        ("the model (--model, or the rates)", format!("{:016x}", fnv1a(&model))),
        ("--servers", if servers.is_empty() { "the model's".into() } else { servers.join(",") }),
        ("--trials", sweep.trials.to_string()),
        ("--seed", sweep.seed.to_string()),
        ("the stop", stop),
        ("--rng", format!("{:?}", sweep.rng).to_lowercase()),
        ("the row format", ROW_FORMAT.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The columns of a row, and their version: a journal of rows in another
/// format is not resumed.
const ROW_FORMAT: &str = "servers,seed,records,mean_wait,utilisation (1)";

/// FNV-1a over bytes: a stable fingerprint (std's hashers may change).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Refuses a sweep whose rows cannot be held in memory, `per_run` bytes
/// each: a sweep keeps its rows until it writes them, in order.
pub(crate) fn check_memory(runs: usize, per_run: usize) -> Result<()> {
    let needed = u128::try_from(runs).unwrap_or(u128::MAX) * per_run as u128;
    let available = available_memory().map(u128::from);
    if let Some(available) = available.filter(|&a| needed > a) {
        bail!(
            "a sweep of {runs} runs keeps about {:.1} GB of rows in memory until it writes them, \
             and this machine has {:.1} GB available: split it into smaller sweeps (--seed and --trials)",
            needed as f64 / 1e9,
            available as f64 / 1e9
        );
    }
    Ok(())
}

/// The memory available to new allocations (Linux's `MemAvailable`), in bytes.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// Opens (and locks) the journal of a sweep writing `file`, saying when an
/// old journal is replaced.
fn open_journal(file: &Path, resume: bool, run: Vec<(String, String)>) -> Result<Journal> {
    let path = journal_path(file);
    let existed = path.exists();
    let journal = Journal::open(&JournalSpec { path: path.clone(), resume, run })?;
    if resume && !existed {
        eprintln!("note: there is no {} to resume; starting afresh", path.display());
    }
    Ok(journal)
}

/// Removes the journal of a sweep whose rows are written; the rows are
/// safe, so a journal that cannot be removed is only a warning.
fn finish_journal(journal: Journal) {
    let path = journal.path().to_owned();
    if let Err(e) = journal.remove() {
        eprintln!("warning: the rows are written, but {} could not be removed: {e}", path.display());
    }
}

/// A journaled row must be the row of its run: its server count and seed.
fn check_row(plan: &SweepPlan, index: usize, row: &TrialResult) -> Result<(), String> {
    let (servers, seed) = plan.key(index);
    if (row.servers, row.seed) == (servers, seed) {
        Ok(())
    } else {
        let show = |c: Option<usize>| c.map_or_else(|| "infinite".to_owned(), |c| c.to_string());
        Err(format!(
            "the row has servers {} and seed {}, but run {index} of this sweep has servers {} and seed {seed}",
            show(row.servers),
            row.seed,
            show(servers)
        ))
    }
}

/// Prints a sweep's wall time to standard error.
fn report_time(rows: usize, elapsed: std::time::Duration, on: &str, resumed: bool) {
    // A resumed sweep ran only the rows its journal lacked.
    let what = if resumed { "rows, resumed," } else { "runs" };
    eprintln!("sweep: {rows} {what} in {:.6} s with {on}", elapsed.as_secs_f64());
}

/// How `--max-customers` counts customers.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Count {
    /// Customers that left the network.
    Complete,
    /// Customers that arrived from outside, rejected ones included.
    Arrive,
    /// Customers that arrived from outside and were accepted.
    Accept,
    /// Customers that left the network or were rejected (Ciw's `Finish`).
    Finish,
}

impl Args {
    /// When each run stops.
    fn stop(&self) -> Stop {
        if self.until_deadlock {
            return Stop::Deadlock;
        }
        match (self.max_customers, self.count) {
            (None, _) => Stop::MaxTime(self.max_time),
            (Some(n), Count::Complete) => Stop::MaxCustomers(n),
            (Some(n), Count::Arrive) => Stop::MaxArrivals(n),
            (Some(n), Count::Accept) => Stop::MaxAccepted(n),
            (Some(n), Count::Finish) => Stop::MaxFinished(n),
        }
    }
}

/// An executor named on the command line.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Choice {
    /// One of this machine's strategies.
    Local(Strategy),
    /// The MPI backend.
    Mpi,
}

impl std::str::FromStr for Choice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "mpi" {
            Ok(Self::Mpi)
        } else {
            s.parse::<Strategy>().map(Self::Local).map_err(|e| e.replace("or graph", "graph or mpi"))
        }
    }
}

/// Runs the sweep across the ranks of an MPI job; rank 0 checks the output,
/// writes the rows and, when they go to a regular file, journals them as
/// they arrive so that `--resume` continues a killed job.
#[cfg(feature = "mpi")]
fn run_mpi(plan: &SweepPlan, args: &Args, run: Vec<(String, String)>) -> Result<()> {
    let mpi = executors::mpi::Mpi::initialize().context("MPI is already initialized")?;
    // Only rank 0 looks at the output; the workers serve whichever map it
    // runs. Every rank must enter the same maps, so when rank 0 cannot go
    // on it releases the workers with an empty map first.
    let prepared = if mpi.rank() == 0 { Some(prepare_output(args, run)) } else { None };
    let (output, journal) = match prepared {
        Some(Err(e)) => {
            mpi.map(Vec::<()>::new(), |()| Ok::<_, String>(()))?;
            return Err(e);
        }
        Some(Ok(prepared)) => prepared,
        None => (Output::stdout(), None),
    };
    let start = std::time::Instant::now();
    let indices: Vec<usize> = (0..plan.len()).collect();
    let rows =
        mpi.map_checkpointed(indices, |i| plan.run(i), journal.as_ref(), |&i, row| check_row(plan, i, row))?;
    let Some(rows) = rows else { return Ok(()) };
    if args.report_time {
        report_time(rows.len(), start.elapsed(), &format!("{} ranks", mpi.size()), args.resume);
    }
    crate::sim_rows::write(&output, &rows)?;
    if let Some(journal) = journal {
        finish_journal(journal);
    }
    Ok(())
}

/// The sweep's output and, for a regular file, its journal (opened and
/// locked): everything about them is checked before the first run starts.
fn prepare_output(args: &Args, run: Vec<(String, String)>) -> Result<(Output, Option<Journal>)> {
    let output = match &args.out {
        Some(path) => Output::check(path)?,
        None => Output::stdout(),
    };
    if let Some(model) = &args.model {
        output.refuse_input(model, "model file")?;
    }
    let journal = match output.file() {
        Some(file) => Some(open_journal(file, args.resume, run)?),
        None if args.resume => bail!("--resume needs --out to be a regular file"),
        None => None,
    };
    Ok((output, journal))
}

#[cfg(not(feature = "mpi"))]
fn run_mpi(_: &SweepPlan, _: &Args, _: Vec<(String, String)>) -> Result<()> {
    bail!(
        "this xtask was built without MPI: build it with `cargo build --release -p xtask --features mpi` \
         and start it with `mpirun -np N target/release/xtask sim --executor mpi ...`"
    )
}

/// Where the rows of a run writing `out` are journaled.
fn journal_path(out: &std::path::Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}
