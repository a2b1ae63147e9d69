//! The talk's dataframe cells: read the flights file lazily, keep the New
//! York airports, take the mean departure delay per origin, draw the graph,
//! compute it on an executor, with the time. The input is CSV (`.csv`,
//! `.csv.gz`, `.csv.zst`) or Parquet (`.parquet`), or a glob of them, by
//! extension.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use chunked_frame::{
    Aggregation, Column, CsvOptions, DType, LazyFrame, ParquetOptions, col, read_csv, read_parquet,
};
use executors::{Executor, Progress, RankDir};
use serde_json::{Map, Value, json};

use crate::figures::{number, peak_rss_mb};

/// Runs the section on `csv`; returns (results, timings) for the JSON.
pub(crate) fn run(csv: &Path, blocksize: usize, exec: &Executor, drawing: &Path) -> Result<(Value, Value)> {
    println!();
    println!("## A CSV file larger than memory: mean departure delay from the New York airports");
    println!();
    // The size, when the path is one file rather than a glob.
    let size =
        std::fs::metadata(csv).map(|m| format!(" ({:.0} MB)", m.len() as f64 / 1e6)).unwrap_or_default();
    println!("{}{size}, {} workers ({})", csv.display(), exec.workers(), exec.strategy());
    println!();
    println!("    dtype = {{");
    for (name, dtype) in TALK_DTYPES {
        let python = if dtype == DType::Str { "object" } else { "float" };
        println!("        \"{name}\": {python},");
    }
    println!("    }}");
    if is_parquet(csv) {
        println!("    ddf = dd.read_parquet(\"{}\")", csv.display());
    } else {
        println!("    ddf = dd.read_csv(\"{}\", dtype=dtype, low_memory=False)", csv.display());
    }
    println!("    nyc_codes = [\"JFK\", \"LGA\", \"EWR\"]");
    println!("    nyc_departures = ddf[ddf[\"ORIGIN_AIRPORT\"].isin(nyc_codes)]");
    println!("    mean_delay = nyc_departures.groupby(\"ORIGIN_AIRPORT\")[\"DEPARTURE_DELAY\"].mean()");
    println!("    mean_delay.visualize()");
    println!("    mean_delay.compute(num_workers=8, scheduler=\"processes\")");
    println!();
    println!(
        "(The talk computes on 8 processes; this replay uses {} threads, the machine's cores: \
         Rust has no GIL, so threads parse partitions in parallel without copying them between processes.)",
        exec.workers()
    );
    println!();
    let start = Instant::now();
    let delays = query(csv, blocksize)?;
    let plan_time = start.elapsed().as_secs_f64();
    println!("The optimised plan:");
    for line in delays.explain()?.lines() {
        println!("    {line}");
    }
    let drawn = delays.visualize(RankDir::TopBottom, drawing)?;
    println!("Its task graph (mean_delay.visualize()): {}", crate::figures::described(&drawn));
    println!();
    let start = Instant::now();
    let result = delays.compute(&exec.clone().progress(Progress::Hidden))?;
    let seconds = start.elapsed().as_secs_f64();
    print!("{result}");
    println!();
    println!("Computed in {seconds:.3} s (planning, with type inference, {plan_time:.3} s)");
    let means = means(&result);
    let mut timings = json!({ "query": seconds, "plan": plan_time });
    if let Some(mb) = peak_rss_mb() {
        println!("Peak memory of this process so far: {mb:.0} MB");
        timings["peak_rss_mb"] = json!(mb);
    }
    Ok((json!({ "means": means }), timings))
}

/// The talk's `dtype` for `dd.read_csv`: the times as text (`0005` keeps
/// its leading zeros), the scheduled time as a float.
const TALK_DTYPES: [(&str, DType); 5] = [
    ("SCHEDULED_DEPARTURE", DType::Str),
    ("DEPARTURE_TIME", DType::Str),
    ("SCHEDULED_TIME", DType::Float64),
    ("SCHEDULED_ARRIVAL", DType::Str),
    ("ARRIVAL_TIME", DType::Str),
];

/// The reading options of the talk: its dtypes for the columns the file
/// has (a file without some of them still answers the query).
pub(crate) fn talk_options(blocksize: usize) -> CsvOptions {
    // Not in the talk's dtype, but the real file needs it: in October 2015
    // its airports are five-digit numeric codes (10397, ...), so a sample
    // from October alone would make ORIGIN_AIRPORT a number column, while
    // the query compares it with "JFK"; pandas reads such a mixed column as
    // object (text), and so does this.
    let quirks = [("ORIGIN_AIRPORT", DType::Str)];
    TALK_DTYPES
        .into_iter()
        .chain(quirks)
        .fold(CsvOptions::default().blocksize(blocksize), |o, (name, dtype)| o.dtype_if_present(name, dtype))
}

/// Whether the input (a file or a glob) is Parquet, by its extension;
/// anything else is CSV, compressed by its extension (`.gz`, `.zst`).
fn is_parquet(input: &Path) -> bool {
    input.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// The flights data at `input`, lazily.
fn open(input: &Path, blocksize: usize) -> Result<LazyFrame> {
    let path = input.to_str().context("the input path is not UTF-8")?;
    Ok(if is_parquet(input) {
        read_parquet(path, ParquetOptions::default())?
    } else {
        read_csv(path, talk_options(blocksize))?
    })
}

/// The talk's query on `input`.
fn query(input: &Path, blocksize: usize) -> Result<Aggregation> {
    Ok(open(input, blocksize)?
        .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
        .groupby(&["ORIGIN_AIRPORT"])
        .mean("DEPARTURE_DELAY"))
}

/// The means by airport, for the JSON.
fn means(result: &chunked_frame::DataFrame) -> Map<String, Value> {
    let mut means = Map::new();
    if let (Some(keys), Some(column @ Column::Float64 { .. })) =
        (result.column("ORIGIN_AIRPORT"), result.column("DEPARTURE_DELAY_mean"))
    {
        for i in 0..column.len() {
            let mean = match column.get(i) {
                chunked_frame::Value::Float(x) => number(x),
                _ => Value::Null, // no delay to average
            };
            means.insert(keys.get(i).to_string(), mean);
        }
    }
    means
}

/// The section over MPI: every rank plans the same query, the partitions
/// are spread over the ranks, rank 0 merges the partial aggregates, prints
/// the result and writes the JSON.
#[cfg(feature = "mpi")]
pub(crate) fn run_mpi(csv: &Path, blocksize: usize, json: Option<&Path>) -> Result<()> {
    let mpi = executors::mpi::Mpi::initialize().context("MPI is already initialized")?;
    let start = Instant::now();
    let delays = query(csv, blocksize)?;
    let parts = mpi.map((0..delays.partitions()).collect(), |p| delays.partial(p))?;
    let Some(parts) = parts else { return Ok(()) };
    let result = delays.combine(parts)?;
    let seconds = start.elapsed().as_secs_f64();
    println!("{} on {} ranks:", csv.display(), mpi.size());
    print!("{result}");
    println!("Computed in {seconds:.3} s");
    if let Some(path) = json {
        let doc = json!({
            "results": { "dataframe": { "means": means(&result) } },
            "timings_s": { "dataframe": { "query": seconds, "ranks": mpi.size() } },
        });
        crate::figures::write_json(path, &doc)?;
    }
    Ok(())
}

#[cfg(not(feature = "mpi"))]
pub(crate) fn run_mpi(_: &Path, _: usize, _: Option<&Path>) -> Result<()> {
    anyhow::bail!("this xtask was built without MPI (--features mpi); see the README")
}
