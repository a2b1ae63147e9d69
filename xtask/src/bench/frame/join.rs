//! The join cell: flights joined with `airlines.csv` (a broadcast join on
//! the airline code) and the mean departure delay per airline name, ours
//! and polars' each in a fresh process per run, 2 threads, on the same
//! files; the means compared to the last digit as the other cells do.
//! Ours runs in the hidden `xtask bench-frame-join` child.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chunked_frame::{Column, JoinOptions, Value as Cell, read_csv};
use executors::{Executor, Strategy};
use serde_json::{Value, json};

use super::{FRESH, Means, PEER, means_of, polars_side};
use crate::bench::{Args, Report, Sizes, largest, last_json, median, python, spread};

/// The column of airline names after the join (the right side's
/// `AIRLINE`, suffixed because the flights have an `AIRLINE` code too).
pub(crate) const NAME: &str = "AIRLINE_y";

/// Options of the hidden `cargo xtask bench-frame-join`: one run of our
/// side of the join cell, its figures written as JSON.
#[derive(clap::Args)]
pub(crate) struct ChildArgs {
    /// The flights CSV.
    #[arg(long)]
    pub(crate) flights: PathBuf,
    /// The airlines table (`IATA_CODE,AIRLINE`).
    #[arg(long)]
    pub(crate) airlines: PathBuf,
    /// Where the figures go.
    #[arg(long)]
    pub(crate) json: PathBuf,
    /// Threads.
    #[arg(long, default_value_t = 2)]
    pub(crate) workers: usize,
    /// Bytes per partition of the flights CSV.
    #[arg(long, default_value_t = 64 << 20)]
    pub(crate) blocksize: usize,
}

/// Our side, in this process: read both files, join, group by the
/// airline name, mean of the departure delay; the time from before the
/// reads to the computed means, as polars' script measures it.
pub(crate) fn child(args: ChildArgs) -> Result<()> {
    let exec = Executor::new(Strategy::Graph, args.workers)?;
    let utf8 = |p: &Path| p.to_str().map(str::to_owned).context("a path is not UTF-8");
    let (flights, airlines) = (utf8(&args.flights)?, utf8(&args.airlines)?);
    let start = Instant::now();
    let names = read_csv(&airlines, chunked_frame::CsvOptions::default())?.compute(&exec)?;
    let result = read_csv(&flights, crate::demo_frame::talk_options(args.blocksize))?
        .merge(&names, JoinOptions::left_right(&["AIRLINE"], &["IATA_CODE"]))?
        .groupby(&[NAME])
        .mean("DEPARTURE_DELAY")
        .compute(&exec)?;
    let seconds = start.elapsed().as_secs_f64();
    let means = means_by(&result, NAME, "DEPARTURE_DELAY_mean")?;
    let doc = json!({
        "seconds": seconds,
        "peak_mb": crate::figures::peak_rss_mb(),
        "means": means,
    });
    std::fs::write(&args.json, serde_json::to_string(&doc)?)
        .with_context(|| format!("cannot write {}", args.json.display()))
}

/// The means of a group-by result by key, as JSON (null for a group
/// without a delay).
fn means_by(
    result: &chunked_frame::DataFrame,
    key: &str,
    mean: &str,
) -> Result<serde_json::Map<String, Value>> {
    let (Some(keys), Some(column @ Column::Float64 { .. })) = (result.column(key), result.column(mean))
    else {
        bail!("the result has no columns {key} and {mean} (it has [{}])", result.names().join(", "));
    };
    let mut out = serde_json::Map::new();
    for i in 0..column.len() {
        let x = match column.get(i) {
            Cell::Float(x) if x.is_finite() => json!(x),
            _ => Value::Null,
        };
        out.insert(keys.get(i).to_string(), x);
    }
    Ok(out)
}

pub(super) fn run(args: &Args, csv: &Path, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let n = sizes.repeats;
    let dir = tempfile::TempDir::new().context("cannot create a temporary directory")?;
    let airlines = dir.path().join("airlines.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&airlines)?);
    chunked_frame::flights::write_airlines(&mut file)?;
    std::io::Write::flush(&mut file)?;
    drop(file);
    println!(
        "Join with airlines.csv on the airline code, mean delay per airline name (median of {n}, fresh processes):"
    );
    let (times, peaks, mine) = ours(csv, &airlines, dir.path(), n)?;
    let (t, peak) = (median(&times), largest(&peaks));
    println!("  {:>34}: {t:>7.3} s, peak {peak:>5.0} MB ({})", "chunked-frame", spread(&times, 1.0, 3));
    report.measured("frame.join_query_s", "s", "chunked-frame", FRESH, times);
    report.measured("frame.join_peak_mb", "MB", "chunked-frame", "largest of the runs", peaks);
    polars_side(report, "join", t, &mine, polars(args, csv, &airlines, n));
    Ok(())
}

/// Our times, peaks and means from `runs` fresh `bench-frame-join` children.
fn ours(csv: &Path, airlines: &Path, scratch: &Path, runs: usize) -> Result<(Vec<f64>, Vec<f64>, Means)> {
    let exe = std::env::current_exe()?;
    let (mut times, mut peaks, mut means) = (Vec::new(), Vec::new(), Means::new());
    for i in 0..runs.max(1) {
        let json = scratch.join(format!("join-{i}.json"));
        let out = Command::new(&exe)
            .arg("bench-frame-join")
            .arg("--flights")
            .arg(csv)
            .arg("--airlines")
            .arg(airlines)
            .arg("--json")
            .arg(&json)
            .output()?;
        if !out.status.success() {
            bail!("our join run failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        times.push(doc["seconds"].as_f64().unwrap_or(f64::NAN));
        peaks.push(doc["peak_mb"].as_f64().unwrap_or(f64::NAN));
        means = means_of(&doc["means"]);
    }
    Ok((times, peaks, means))
}

/// Polars' report (its versions), times, peaks and means from `runs`
/// fresh processes of the peer script's join mode.
fn polars(
    args: &Args,
    csv: &Path,
    airlines: &Path,
    runs: usize,
) -> Result<(Value, Vec<f64>, Vec<f64>, Means)> {
    let csv = csv.to_str().context("the CSV path is not UTF-8")?;
    let airlines = airlines.to_str().context("the temporary path is not UTF-8")?;
    let (mut last, mut times, mut peaks, mut means) = (Value::Null, Vec::new(), Vec::new(), Means::new());
    for _ in 0..runs.max(1) {
        let doc = last_json(&python(args, PEER, &["polars", csv, "--join", airlines], "polars")?)?;
        times.push(doc["seconds"].as_f64().unwrap_or(f64::NAN));
        peaks.push(doc["peak_mb"].as_f64().unwrap_or(f64::NAN));
        means = means_of(&doc["means"]);
        if doc["threads"] != json!(2) {
            bail!("polars ran {} threads, not 2 (POLARS_MAX_THREADS)", doc["threads"]);
        }
        last = doc;
    }
    Ok((last, times, peaks, means))
}
