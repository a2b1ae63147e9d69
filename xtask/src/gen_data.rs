//! `cargo xtask gen-data`: writes the synthetic flights file (the USDOT 2015
//! schema and quirks, 5,819,079 rows by default, deterministic from a seed),
//! and beside it the dataset's two small tables, `airlines.csv` and
//! `airports.csv`, with the real files' columns.

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
    /// Directory of `airlines.csv` and `airports.csv` (default: that of
    /// `--out`; none when `--out` is a device or a pipe).
    #[arg(long)]
    tables: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let start = Instant::now();
    let output = Output::check(&args.out)?;
    let tables = small_tables(&args.out, args.tables.as_deref())?;
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
    for (path, output, write) in tables {
        output.write(write)?;
        println!("Wrote {}", path.display());
    }
    Ok(())
}

/// A table beside the flights file: its path, checked output and writer.
type Table = (PathBuf, Output, fn(&mut dyn Write) -> std::io::Result<()>);

/// `airlines.csv` and `airports.csv` in `dir`, or else in the directory of
/// `flights` unless that is a device or pipe, checked before anything is
/// written.
fn small_tables(flights: &std::path::Path, dir: Option<&std::path::Path>) -> Result<Vec<Table>> {
    let mut out = Vec::new();
    let dir = match dir {
        Some(dir) => dir,
        None if std::fs::metadata(flights).is_ok_and(|m| !m.is_file()) => return Ok(out),
        None => flights.parent().unwrap_or(std::path::Path::new("")),
    };
    for (name, write) in [
        ("airlines.csv", flights::write_airlines as fn(&mut dyn Write) -> std::io::Result<()>),
        ("airports.csv", flights::write_airports),
    ] {
        let path = dir.join(name);
        out.push((path.clone(), Output::check(&path)?, write));
    }
    Ok(out)
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
        run(Args { rows: flights::REAL_ROWS, seed: 2015, out: path.to_owned(), tables: None })?;
    }
    Ok(())
}
