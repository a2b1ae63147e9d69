//! `cargo xtask gen-data`: writes the synthetic flights file (the USDOT 2015
//! schema and quirks, 5,819,079 rows by default, deterministic from a seed),
//! as CSV or as Parquet, and beside it the dataset's two small tables,
//! `airlines.csv` and `airports.csv`, with the real files' columns.

use std::path::{Path, PathBuf};
use std::time::Instant;

use std::io::Write;

use anyhow::{Context, Result};
use chunked_frame::{flights, read_csv};
use executors::output::Output;
use executors::{Executor, Strategy};

/// Where the demo and the benchmarks look for the generated file.
pub(crate) const DEFAULT_PATH: &str = "data/generated/flights.csv";

/// Where `--format parquet` writes by default.
pub(crate) const DEFAULT_PARQUET_PATH: &str = "data/generated/flights.parquet";

/// The file formats gen-data writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// The CSV file the talk reads.
    Csv,
    /// The same rows as Parquet (snappy, a row group per 64 MiB of CSV),
    /// with the demo's column types.
    Parquet,
}

/// Options of `cargo xtask gen-data`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Rows to write.
    #[arg(long, default_value_t = flights::REAL_ROWS)]
    rows: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2015)]
    seed: u64,
    /// The file format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Output file (default: data/generated/flights.csv, or .parquet).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Directory of `airlines.csv` and `airports.csv` (default: that of
    /// the output; none when it is a device or a pipe).
    #[arg(long)]
    tables: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let start = Instant::now();
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(if args.format == Format::Csv { DEFAULT_PATH } else { DEFAULT_PARQUET_PATH })
    });
    let output = Output::check(&out)?;
    let tables = small_tables(&out, args.tables.as_deref())?;
    let bytes = match args.format {
        Format::Csv => {
            let mut bytes = 0;
            output.write(|w| {
                let mut counted = Counted { inner: w, bytes: 0 };
                flights::write_synthetic(&mut counted, args.rows, args.seed)?;
                bytes = counted.bytes;
                Ok(())
            })?;
            bytes
        }
        Format::Parquet => write_parquet(&output, &out, args.rows, args.seed)?,
    };
    println!(
        "Wrote {} rows ({:.1} MB) to {} in {:.1} s",
        args.rows,
        bytes as f64 / 1e6,
        out.display(),
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

/// Writes the flights rows as Parquet: the CSV first, to a temporary file
/// beside the output (removed after), then read in partitions with the
/// demo's column types and written a row group per partition. Returns the
/// bytes written.
fn write_parquet(output: &Output, out: &Path, rows: u64, seed: u64) -> Result<u64> {
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let csv = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary CSV file in {}", dir.display()))?;
    {
        let mut w = std::io::BufWriter::new(csv.as_file());
        flights::write_synthetic(&mut w, rows, seed)?;
        w.flush()?;
    }
    let path = csv.path().to_str().context("the temporary path is not UTF-8")?;
    let frame = read_csv(path, crate::demo_frame::talk_options(64 << 20))?;
    let exec = Executor::new(Strategy::Pool, crate::talk::cores())?;
    let mut bytes = 0;
    let mut failure = None;
    let written = output.write(|w| {
        let mut counted = Counted { inner: w, bytes: 0 };
        let done = frame.write_parquet(&mut counted, out, &exec);
        bytes = counted.bytes;
        done.map_err(|e| {
            let message = e.to_string();
            failure = Some(e);
            std::io::Error::other(message)
        })
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    written?;
    Ok(bytes)
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
        run(Args {
            rows: flights::REAL_ROWS,
            seed: 2015,
            format: Format::Csv,
            out: Some(path.to_owned()),
            tables: None,
        })?;
    }
    Ok(())
}
