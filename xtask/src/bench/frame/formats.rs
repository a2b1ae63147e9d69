//! The talk's query on the same rows in other encodings, ours against
//! polars, each a fresh process per run: the CSV with its string columns
//! quoted, Parquet (written as `cargo xtask gen-data --format parquet`
//! writes it), and the CSV gzip'd. The files are made once per bench run in
//! a temporary directory, from the CSV the section read, and each is
//! removed once measured.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use executors::{Executor, Strategy};

use super::{FRESH, Means, ours, peer_runs, polars_side};
use crate::bench::{Args, Report, Sizes, largest, median, spread};

/// The flights file's string columns, quoted in the quoted variant (the
/// peer script reads the same ones as text).
pub(super) const STRING_COLUMNS: [&str; 5] =
    ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"];

/// One encoding of the rows: its name in the JSON, its file's name, how it
/// is described.
struct Variant {
    key: &'static str,
    file: &'static str,
    label: &'static str,
}

const VARIANTS: [Variant; 3] = [
    Variant { key: "quoted", file: "flights-quoted.csv", label: "CSV, string columns quoted" },
    Variant { key: "parquet", file: "flights.parquet", label: "Parquet" },
    Variant { key: "gz", file: "flights.csv.gz", label: "CSV, gzip'd" },
];

pub(super) fn run(args: &Args, csv: &Path, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let n = sizes.repeats;
    println!(
        "The same rows in other encodings (made from {}), median of {n}, fresh processes:",
        csv.display()
    );
    let dir = tempfile::TempDir::new().context("cannot create a temporary directory")?;
    for v in VARIANTS {
        let path = dir.path().join(v.file);
        // gzip is a command that may be missing: its figures are then
        // skipped; the other two are made here and must work.
        let start = Instant::now();
        let made = match v.key {
            "quoted" => quote_strings(csv, &path).map(drop),
            "parquet" => to_parquet(csv, &path),
            _ => gzip(csv, &path),
        };
        if let Err(why) = made {
            if v.key != "gz" {
                return Err(why);
            }
            println!("  {}: skipped ({why:#})", v.label);
            let why = format!("{why:#}");
            report.skipped(&format!("frame.{}_query_s", v.key), "s", "chunked-frame", &why);
            report.skipped(&format!("frame.{}_peak_mb", v.key), "MB", "chunked-frame", &why);
            report.skipped(&format!("frame.polars_{}_s", v.key), "s", "polars", &why);
            report.skipped(&format!("frame.polars_{}_peak_mb", v.key), "MB", "polars", &why);
            continue;
        }
        measure(args, &v, &path, start.elapsed().as_secs_f64(), n, report)?;
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// Ours and polars on one variant's file, made in `made` seconds.
fn measure(args: &Args, v: &Variant, path: &Path, made: f64, n: usize, report: &mut Report) -> Result<()> {
    let mb = std::fs::metadata(path)?.len() as f64 / 1e6;
    let file = path.to_str().context("the temporary path is not UTF-8")?;
    let (times, peaks, mine): (Vec<f64>, Vec<f64>, Means) = ours(file, n)?;
    let (t, peak) = (median(&times), largest(&peaks));
    let label = format!("{} ({mb:.0} MB, made in {made:.1} s)", v.label);
    println!("  {label:>34}: {t:>7.3} s, peak {peak:>5.0} MB ({})", spread(&times, 1.0, 3));
    report.measured(&format!("frame.{}_query_s", v.key), "s", "chunked-frame", FRESH, times);
    report.measured(&format!("frame.{}_peak_mb", v.key), "MB", "chunked-frame", "largest of the runs", peaks);
    polars_side(report, v.key, t, &mine, peer_runs(args, "polars", file, n));
    Ok(())
}

/// Copies the CSV `src` to `dst` with every non-empty field of the
/// [`STRING_COLUMNS`] in double quotes (empty fields stay empty: missing
/// values). `src` must hold no quotes already (the generated file has
/// none), so that a comma always ends a field. Returns the rows copied.
pub(super) fn quote_strings(src: &Path, dst: &Path) -> Result<u64> {
    let mut input =
        BufReader::new(File::open(src).with_context(|| format!("cannot open {}", src.display()))?);
    let mut out =
        BufWriter::new(File::create(dst).with_context(|| format!("cannot create {}", dst.display()))?);
    let mut line = Vec::new();
    if input.read_until(b'\n', &mut line)? == 0 {
        bail!("{} is empty: no header", src.display());
    }
    let header = String::from_utf8_lossy(trim_end(&line)).into_owned();
    let names: Vec<&str> = header.split(',').collect();
    let mut quoted = vec![false; names.len()];
    for column in STRING_COLUMNS {
        let i = names
            .iter()
            .position(|n| *n == column)
            .with_context(|| format!("{} has no column {column} in its header", src.display()))?;
        quoted[i] = true;
    }
    out.write_all(trim_end(&line))?;
    out.write_all(b"\n")?;
    let mut rows = 0u64;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        rows += 1;
        let row = trim_end(&line);
        if row.contains(&b'"') {
            bail!("{} already has quotes (row {rows}): give it the unquoted file", src.display());
        }
        for (i, field) in row.split(|b| *b == b',').enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            if quoted.get(i).copied().unwrap_or(false) && !field.is_empty() {
                out.write_all(b"\"")?;
                out.write_all(field)?;
                out.write_all(b"\"")?;
            } else {
                out.write_all(field)?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush().with_context(|| format!("cannot write {}", dst.display()))?;
    Ok(rows)
}

/// A line without its `\n` (or `\r\n`).
fn trim_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The CSV as Parquet, the way `cargo xtask gen-data --format parquet`
/// writes it: read with the demo's column types in 64 MiB partitions, a row
/// group per partition.
fn to_parquet(src: &Path, dst: &Path) -> Result<()> {
    let path = src.to_str().context("the CSV path is not UTF-8")?;
    let frame = chunked_frame::read_csv(path, crate::demo_frame::talk_options(64 << 20))?;
    let exec = Executor::new(Strategy::Pool, crate::talk::cores())?;
    let mut out =
        BufWriter::new(File::create(dst).with_context(|| format!("cannot create {}", dst.display()))?);
    frame.write_parquet(&mut out, dst, &exec)?;
    out.flush().with_context(|| format!("cannot write {}", dst.display()))?;
    Ok(())
}

/// The CSV gzip'd by the `gzip` command (default level).
fn gzip(src: &Path, dst: &Path) -> Result<()> {
    let out = File::create(dst).with_context(|| format!("cannot create {}", dst.display()))?;
    let status = Command::new("gzip")
        .arg("-c")
        .arg(src)
        .stdout(Stdio::from(out))
        .status()
        .context("cannot run gzip")?;
    if !status.success() {
        bail!("gzip -c {} failed ({status})", src.display());
    }
    Ok(())
}
