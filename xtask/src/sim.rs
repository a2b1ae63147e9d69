//! `cargo xtask sim`: a sweep of server counts x seeded trials under any
//! executor, written as CSV with one row per run
//! (`servers,seed,records,mean_wait,utilisation`). With `--out`, finished
//! rows are journaled as they complete, so that `--resume` after a kill
//! finishes the sweep without redoing them.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use executors::{Executor, Strategy, checkpoint};
use queue_sim::{Network, RngKind, Stop, Sweep, TrialResult};

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
    /// and accepted).
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
    /// `<out>.journal` as they finish and the file is written at the end.
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
    /// Print the sweep's wall time to standard error.
    #[arg(long)]
    report_time: bool,
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
    if sweep.servers.contains(&0) {
        bail!("--servers: every server count must be at least 1");
    }
    sweep.network.validate().context("invalid model")?;
    let trials = sweep.trials();
    let strategy = match args.executor {
        Choice::Local(s) => s,
        Choice::Mpi => return run_mpi(trials, args.out.as_deref(), args.resume, args.report_time),
    };
    let exec = Executor::new(strategy, args.workers.unwrap_or_else(talk::cores)).context("--workers")?;
    let special = is_special(args.out.as_deref());
    if special && args.resume {
        bail!("--resume needs --out to be a regular file");
    }
    let out_path = args.out.as_ref().filter(|_| !special);
    let Some(out_path) = out_path else {
        let start = std::time::Instant::now();
        let rows = exec.map(trials, |t| t.run())?;
        if args.report_time {
            eprintln!("sweep: {} runs in {:.6} s with {strategy}", rows.len(), start.elapsed().as_secs_f64());
        }
        let mut out: Box<dyn Write> = match &args.out {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            )),
            None => Box::new(std::io::stdout().lock()),
        };
        write_rows(&mut out, &rows)?;
        return Ok(out.flush()?);
    };
    let journal = journal_path(out_path);
    if !args.resume && journal.exists() {
        eprintln!("note: starting afresh; {} is replaced (use --resume to continue it)", journal.display());
    }
    let rows = checkpoint::map(&exec, trials, |t| t.run(), &journal, args.resume)?;
    finish_journaled(out_path, &journal, &rows)
}

/// Whether `out` is a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO),
/// which is written straight through: renaming a file over it would replace
/// it, and it cannot carry a journal beside it.
fn is_special(out: Option<&Path>) -> bool {
    out.and_then(|p| std::fs::metadata(p).ok()).is_some_and(|m| !m.is_file())
}

/// Writes the rows of a journaled run: the whole file next to its
/// destination, then moved into place, so that a kill never leaves a
/// partial output behind; then the journal goes.
fn finish_journaled(out: &Path, journal: &Path, rows: &[TrialResult]) -> Result<()> {
    let partial = out.with_extension("partial");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?,
    );
    write_rows(&mut file, rows)?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, out).with_context(|| format!("cannot write {}", out.display()))?;
    std::fs::remove_file(journal).with_context(|| format!("cannot remove {}", journal.display()))?;
    Ok(())
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
}

impl Args {
    /// When each run stops.
    fn stop(&self) -> Stop {
        match (self.max_customers, self.count) {
            (None, _) => Stop::MaxTime(self.max_time),
            (Some(n), Count::Complete) => Stop::MaxCustomers(n),
            (Some(n), Count::Arrive) => Stop::MaxArrivals(n),
            (Some(n), Count::Accept) => Stop::MaxAccepted(n),
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

/// Runs the sweep across the ranks of an MPI job; rank 0 writes the rows
/// and, when they go to a regular file, journals them as they arrive so that
/// `--resume` continues a killed job.
#[cfg(feature = "mpi")]
fn run_mpi(trials: Vec<queue_sim::Trial>, out: Option<&Path>, resume: bool, report_time: bool) -> Result<()> {
    let mpi = executors::mpi::Mpi::initialize().context("MPI is already initialized")?;
    // Only rank 0 looks at the output; the workers serve whichever map it runs.
    let target = if mpi.rank() == 0 { out.filter(|_| !is_special(out)) } else { None };
    if mpi.rank() == 0 && resume && target.is_none() {
        // Every rank must enter the same maps: release the workers first.
        mpi.map(Vec::<()>::new(), |()| Ok::<_, String>(()))?;
        bail!("--resume needs --out to be a regular file");
    }
    let start = std::time::Instant::now();
    let rows = match target {
        Some(path) => {
            let journal = journal_path(path);
            if !resume && journal.exists() {
                eprintln!(
                    "note: starting afresh; {} is replaced (use --resume to continue it)",
                    journal.display()
                );
            }
            mpi.map_checkpointed(trials, |t| t.run(), &journal, resume)?
        }
        None => mpi.map(trials, |t| t.run())?,
    };
    let Some(rows) = rows else { return Ok(()) };
    if report_time {
        // A resumed sweep ran only the rows its journal lacked.
        let what = if resume { "rows, resumed," } else { "runs" };
        eprintln!(
            "sweep: {} {what} in {:.6} s on {} ranks",
            rows.len(),
            start.elapsed().as_secs_f64(),
            mpi.size()
        );
    }
    match (target, out) {
        (Some(path), _) => finish_journaled(path, &journal_path(path), &rows)?,
        (None, Some(path)) => {
            let mut file = std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            );
            write_rows(&mut file, &rows)?;
            file.flush()?;
        }
        (None, None) => write_rows(&mut std::io::stdout().lock(), &rows)?,
    }
    Ok(())
}

#[cfg(not(feature = "mpi"))]
fn run_mpi(_: Vec<queue_sim::Trial>, _: Option<&Path>, _: bool, _: bool) -> Result<()> {
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

/// Writes sweep rows; floats in shortest round-trip form, NaN and infinite
/// servers as empty fields.
pub(crate) fn write_rows(out: &mut dyn Write, rows: &[TrialResult]) -> Result<()> {
    writeln!(out, "servers,seed,records,mean_wait,utilisation")?;
    let opt = |x: Option<String>| x.unwrap_or_default();
    for r in rows {
        let wait = r.mean_wait.map(|w| format!("{w:?}")).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{}",
            opt(r.servers.map(|c| c.to_string())),
            r.seed,
            r.records,
            wait,
            opt(r.utilisation.map(|u| format!("{u:?}")))
        )?;
    }
    Ok(())
}
