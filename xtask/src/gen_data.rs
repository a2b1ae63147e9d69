//! `cargo xtask gen-data`: writes the synthetic flights file (the USDOT 2015
//! schema and quirks, 5,819,079 rows by default, deterministic from a seed).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use chunked_frame::flights;

/// Where the demo and the benchmarks look for the generated file.
pub(crate) const DEFAULT_PATH: &str = "data/generated/flights.csv";

/// Options of `cargo xtask gen-data`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Rows to write.
    #[arg(long, default_value_t = flights::REAL_ROWS)]
    rows: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2015)]
    seed: u64,
    /// Output file.
    #[arg(long, default_value = DEFAULT_PATH)]
    out: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let start = Instant::now();
    flights::write_synthetic_file(&args.out, args.rows, args.seed)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let bytes = std::fs::metadata(&args.out)?.len();
    println!(
        "Wrote {} rows ({:.1} MB) to {} in {:.1} s",
        args.rows,
        bytes as f64 / 1e6,
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The generated file, written first if it is not there yet.
pub(crate) fn ensure(path: &std::path::Path) -> Result<()> {
    if !path.exists() {
        println!("(generating {} first: cargo xtask gen-data)", path.display());
        run(Args { rows: flights::REAL_ROWS, seed: 2015, out: path.to_owned() })?;
    }
    Ok(())
}
