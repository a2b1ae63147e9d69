//! `cargo xtask sim`: a sweep of server counts x seeded trials, written as CSV
//! with one row per run (`servers,seed,records,mean_wait,utilisation`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use queue_sim::{Network, RngKind, Sweep, TrialResult};

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
    /// Output file; standard output when absent.
    #[arg(long)]
    out: Option<PathBuf>,
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
    if let Some(&0) = sweep.servers.iter().find(|&&c| c == 0) {
        anyhow::bail!("--servers: every server count must be at least 1");
    }
    sweep.network.validate().context("invalid model")?;
    let results = sweep.trials().iter().map(|t| t.run()).collect::<Result<Vec<_>, _>>()?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    write_rows(&mut out, &results)?;
    out.flush()?;
    Ok(())
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
