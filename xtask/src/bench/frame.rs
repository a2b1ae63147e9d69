//! The dataframe's figures: the talk's query on the generated flights file
//! (time and peak memory, each run in a fresh process), polars, pandas and
//! dask on the same file in the same run when installed, and the time on
//! 1x, 2x and 4x the data (a glob over links to the same file).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{Args, median, python};
use crate::gen_data;

pub(crate) fn run(args: &Args) -> Result<()> {
    println!("## chunked-frame (2 workers)");
    println!();
    let csv = PathBuf::from(gen_data::DEFAULT_PATH);
    gen_data::ensure(&csv)?;
    let bytes = std::fs::metadata(&csv)?.len();
    println!(
        "The talk's query on {} ({:.0} MB), median of 3, each in a fresh process:",
        csv.display(),
        bytes as f64 / 1e6
    );
    let (mine, mine_mb) = ours(&csv.to_string_lossy(), 3)?;
    println!("  {:>24}: {:>7.3} s, peak {:>5.0} MB", "chunked-frame", mine, mine_mb);
    for (name, script) in [("polars", POLARS), ("dask threads", DASK), ("pandas", PANDAS)] {
        match python(args, script, &[&csv.to_string_lossy()], name.split(' ').next().unwrap_or(name)) {
            Ok(text) => {
                let v: Vec<f64> = text.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
                let version = text.split_whitespace().next().unwrap_or("?");
                if let [t, mb] = v[..] {
                    println!(
                        "  {:>24}: {:>7.3} s, peak {:>5.0} MB ({:.2}x our time)",
                        format!("{name} {version}"),
                        t,
                        mb,
                        t / mine
                    );
                }
            }
            Err(why) => println!("  {name}: skipped ({why:#})"),
        }
    }
    println!();
    println!("Scaling (a glob over 1, 2 and 4 links to the file):");
    let dir = Path::new("data/generated/scale");
    let mut base = f64::NAN;
    for k in [1usize, 2, 4] {
        let sub = dir.join(format!("{k}x"));
        std::fs::create_dir_all(&sub)?;
        for i in 0..k {
            let link = sub.join(format!("part-{i}.csv"));
            if !link.exists() {
                std::os::unix::fs::symlink(std::fs::canonicalize(&csv)?, &link)
                    .with_context(|| format!("cannot link {}", link.display()))?;
            }
        }
        let (t, mb) = ours(&format!("{}/part-*.csv", sub.display()), 1)?;
        if k == 1 {
            base = t;
        }
        println!("  {:>24}: {:>7.3} s ({:.2}x the 1x time), peak {:.0} MB", format!("{k}x"), t, t / base, mb);
    }
    Ok(())
}

/// Median time and largest peak memory of `runs` fresh processes running
/// the demo's dataframe section on `csv`.
fn ours(csv: &str, runs: usize) -> Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for i in 0..runs {
        let json = std::env::temp_dir().join(format!("xtask-bench-frame-{}-{i}.json", std::process::id()));
        let out = Command::new(&exe)
            .args(["demo", "dataframe", "--workers", "2", "--csv", csv, "--json"])
            .arg(&json)
            .output()?;
        if !out.status.success() {
            bail!("the dataframe demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        std::fs::remove_file(&json)?;
        let t = &doc["timings_s"]["dataframe"];
        times.push(t["query"].as_f64().unwrap_or(f64::NAN) + t["plan"].as_f64().unwrap_or(f64::NAN));
        peak = peak.max(t["peak_rss_mb"].as_f64().unwrap_or(f64::NAN));
    }
    Ok((median(&mut times), peak))
}

const POLARS: &str = r#"
import sys, time, resource, polars as pl
t = time.perf_counter()
strings = {c: pl.Utf8 for c in ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"]}
pl.scan_csv(sys.argv[1], schema_overrides=strings).filter(pl.col("ORIGIN_AIRPORT").is_in(["JFK", "LGA", "EWR"])) \
  .group_by("ORIGIN_AIRPORT").agg(pl.col("DEPARTURE_DELAY").mean()).collect()
print(pl.__version__, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"#;

const DASK: &str = r#"
import sys, time, resource, dask, dask.dataframe as dd
t = time.perf_counter()
strings = {c: str for c in ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"]}
df = dd.read_csv(sys.argv[1], dtype=strings, low_memory=False)
df[df.ORIGIN_AIRPORT.isin(["JFK", "LGA", "EWR"])].groupby("ORIGIN_AIRPORT")["DEPARTURE_DELAY"].mean().compute(scheduler="threads", num_workers=2)
print(dask.__version__, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"#;

const PANDAS: &str = r#"
import sys, time, resource, pandas as pd
t = time.perf_counter()
strings = {c: str for c in ["ORIGIN_AIRPORT", "DESTINATION_AIRPORT", "TAIL_NUMBER", "CANCELLATION_REASON", "AIRLINE"]}
df = pd.read_csv(sys.argv[1], dtype=strings, low_memory=False)
df[df.ORIGIN_AIRPORT.isin(["JFK", "LGA", "EWR"])].groupby("ORIGIN_AIRPORT")["DEPARTURE_DELAY"].mean()
print(pd.__version__, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"#;
