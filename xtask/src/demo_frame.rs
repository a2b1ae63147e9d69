//! The talk's dataframe cells: read the flights file lazily, keep the New
//! York airports, take the mean departure delay per origin, draw the graph,
//! compute it on an executor, with the time.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use chunked_frame::{Aggregation, Column, CsvOptions, DType, col, read_csv};
use executors::{Executor, Progress, RankDir};
use serde_json::{Map, Value, json};

use crate::demo::peak_rss_mb;

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
    println!(
        "    flights = read_csv(\"{}\", dtype={{ORIGIN_AIRPORT, DESTINATION_AIRPORT, TAIL_NUMBER, \
         CANCELLATION_REASON, AIRLINE: string}})",
        csv.display()
    );
    println!("    delays = flights[flights.ORIGIN_AIRPORT.isin([\"JFK\", \"LGA\", \"EWR\"])]");
    println!("                .groupby(\"ORIGIN_AIRPORT\")[\"DEPARTURE_DELAY\"].mean()");
    println!();
    let start = Instant::now();
    let delays = query(csv, blocksize)?;
    let plan_time = start.elapsed().as_secs_f64();
    println!("The optimised plan:");
    for line in delays.explain()?.lines() {
        println!("    {line}");
    }
    if let Some(dir) = drawing.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let drawn = delays.visualize(RankDir::TopBottom, drawing)?;
    match &drawn.svg {
        Some(svg) => println!("Its task graph: {} and {}", drawn.dot.display(), svg.display()),
        None => println!("Its task graph: {}", drawn.dot.display()),
    }
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

/// The talk's query on `csv`, with the talk's five string columns.
fn query(csv: &Path, blocksize: usize) -> Result<Aggregation> {
    let options = ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"]
        .iter()
        .fold(CsvOptions::default().blocksize(blocksize), |o, c| o.dtype(c, DType::Str));
    let path = csv.to_str().context("the CSV path is not UTF-8")?;
    Ok(read_csv(path, options)?
        .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
        .groupby(&["ORIGIN_AIRPORT"])
        .mean("DEPARTURE_DELAY"))
}

/// The means by airport, for the JSON.
fn means(result: &chunked_frame::DataFrame) -> Map<String, Value> {
    let mut means = Map::new();
    if let (Some(keys), Some(Column::Float64 { values, .. })) =
        (result.column("ORIGIN_AIRPORT"), result.column("DEPARTURE_DELAY_mean"))
    {
        for (i, v) in values.iter().enumerate() {
            means.insert(keys.get(i).to_string(), json!(v));
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
        crate::demo::write_json(path, &doc)?;
    }
    Ok(())
}

#[cfg(not(feature = "mpi"))]
pub(crate) fn run_mpi(_: &Path, _: usize, _: Option<&Path>) -> Result<()> {
    anyhow::bail!("this xtask was built without MPI (--features mpi); see the README")
}
