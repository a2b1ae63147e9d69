//! `cargo xtask gen-data`: writes the synthetic flights file (the USDOT 2015
//! schema and quirks, 5,819,079 rows by default, deterministic from a seed).

use std::path::PathBuf;
use std::time::Instant;

use std::io::Write;

use anyhow::Result;
use chunked_frame::flights;
use executors::output::Output;

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
    let output = Output::check(&args.out)?;
    let mut bytes = 0;
    output.write(|w| {
        let mut counted = Counted { inner: w, bytes: 0 };
        flights::write_synthetic(&mut counted, args.rows, args.seed)?;
        bytes = counted.bytes;
        Ok(())
    })?;
    println!(
        "Wrote {} rows ({:.1} MB) to {} in {:.1} s",
        args.rows,
        bytes as f64 / 1e6,
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A writer that counts the bytes through it.
struct Counted<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The generated file, written first if it is not there yet.
pub(crate) fn ensure(path: &std::path::Path) -> Result<()> {
    if !path.exists() {
        println!("(generating {} first: cargo xtask gen-data)", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        run(Args { rows: flights::REAL_ROWS, seed: 2015, out: path.to_owned() })?;
    }
    Ok(())
}
