//! `cargo xtask sim`: a sweep of server counts x seeded trials under any
//! executor, written as CSV with one row per run
//! (`servers,seed,records,mean_wait,utilisation`). With `--out`, finished
//! rows are journaled as they complete, so that `--resume` after a kill
//! finishes the sweep without redoing them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use executors::{Executor, Strategy, checkpoint};
use queue_sim::{Network, RngKind, Sweep, TrialResult};

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
    /// How trials run: sequential, work-queue, pool or graph.
    #[arg(long, default_value = "pool")]
    executor: Strategy,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Continue a killed run: keep the rows in `<out>.journal`, run the rest.
    #[arg(long, requires = "out")]
    resume: bool,
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
        servers: args.servers.unwrap_or(default_servers),
        trials: args.trials,
        seed: args.seed,
        max_time: args.max_time,
        rng: args.rng,
    };
    if sweep.servers.contains(&0) {
        bail!("--servers: every server count must be at least 1");
    }
    sweep.network.validate().context("invalid model")?;
    let exec = Executor::new(args.executor, args.workers.unwrap_or_else(talk::cores)).context("--workers")?;
    let trials = sweep.trials();
    let Some(out_path) = &args.out else {
        let rows = exec.map(trials, |t| t.run())?;
        let mut stdout = std::io::stdout().lock();
        write_rows(&mut stdout, &rows)?;
        return Ok(stdout.flush()?);
    };
    let journal = journal_path(out_path);
    if !args.resume && journal.exists() {
        eprintln!("note: starting afresh; {} is replaced (use --resume to continue it)", journal.display());
    }
    let rows = checkpoint::map(&exec, trials, |t| t.run(), &journal, args.resume)?;
    // Write the whole file next to its destination, then move it into place,
    // so that a kill never leaves a partial output behind.
    let partial = out_path.with_extension("partial");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?,
    );
    write_rows(&mut file, &rows)?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, out_path).with_context(|| format!("cannot write {}", out_path.display()))?;
    std::fs::remove_file(&journal).with_context(|| format!("cannot remove {}", journal.display()))?;
    Ok(())
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
