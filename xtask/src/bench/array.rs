//! The array's figures: mean and std of normal(1e4 x 1e4) together, and
//! C = A.dot(B).sum() / A.mean() * B.var(), ours and dask threads' each in
//! a fresh process per run (dask: one process per run and cell, to see each
//! cell's peak memory), 2 workers each, BLAS single-threaded for dask;
//! then the cube and `.npy` cells (`talk_cells`).

use std::process::Command;

use anyhow::{Result, bail};
use serde_json::Value;

use super::{Args, Report, Sizes, last_json, median, python, spread};

mod talk_cells;

const DASK_PEER: &str = include_str!("../../../crates/chunked-array/benches/dask_peer.py");
const FRESH: &str = "fresh process each (start-up excluded)";

pub(crate) fn run(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let (size, chunk) = sizes.array;
    let n = sizes.array_repeats;
    println!("## chunked-array (2 workers, chunks {chunk}, {size} x {size}), median of {n}, fresh processes");
    println!();
    let exe = std::env::current_exe()?;
    let (mut moments, mut c, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    let mut values = Value::Null;
    let scratch = std::env::temp_dir().join(format!("xtask-bench-array-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    for i in 0..n {
        let json = scratch.join(format!("{i}.json"));
        let out = Command::new(&exe)
            .args([
                "demo",
                "array",
                "--workers",
                "2",
                "--size",
                &size.to_string(),
                "--chunk",
                &chunk.to_string(),
            ])
            .arg("--json")
            .arg(&json)
            .arg("--drawing")
            .arg(scratch.join("talk"))
            .output()?;
        if !out.status.success() {
            bail!("the array demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        let t = &doc["timings_s"]["array"];
        moments.push(t["mean_std"].as_f64().unwrap_or(f64::NAN));
        c.push(t["c"].as_f64().unwrap_or(f64::NAN));
        peaks.push(t["peak_rss_mb_after_c"].as_f64().unwrap_or(f64::NAN));
        values = doc["results"]["array"].clone();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let (m, cc) = (median(&moments), median(&c));
    let peak = peaks.iter().copied().fold(0.0, f64::max);
    println!(
        "  {:>20}: mean+std {m:.3} s ({}); C {cc:.3} s ({}); peak {peak:.0} MB",
        "chunked-array",
        spread(&moments, 1.0, 3),
        spread(&c, 1.0, 3)
    );
    report.measured("array.mean_std_s", "s", "chunked-array", FRESH, moments);
    report.measured("array.c_s", "s", "chunked-array", FRESH, c);
    report
        .measured("array.peak_mb", "MB", "chunked-array", "largest of the runs", peaks)
        .target("at most 300 MB", peak <= 300.0);
    let mut shown = Vec::new();
    for (key, label) in [("mean", "mean"), ("std", "std"), ("c", "C")] {
        let x = values[key].as_f64().unwrap_or(f64::NAN);
        shown.push(format!("{label} {x:.12e}"));
        report.derived(&format!("array.value_{key}"), "", "chunked-array", x);
    }
    println!("  {:>20}: {}", "values", shown.join(", "));

    for (cell, key, label, target) in [("moments", "mean_std", "mean+std", 5.0), ("c", "c", "C", 4.0)] {
        let ours = if cell == "c" { cc } else { m };
        match dask_runs(args, sizes, cell, key) {
            Ok((doc, times, peaks)) => {
                report.versions_from("dask", &doc);
                let t = median(&times);
                let mb = peaks.iter().copied().fold(0.0, f64::max);
                println!(
                    "  {:>20}: {label} {t:.3} s ({:.1}x our time; {}), peak {mb:.0} MB",
                    "dask threads",
                    t / ours,
                    spread(&times, 1.0, 3)
                );
                report
                    .measured(&format!("array.dask_{key}_s"), "s", "dask", FRESH, times)
                    .ratio(t / ours, "dask's median / ours")
                    .target(&format!("at least {target}x"), t / ours >= target);
                report.measured(
                    &format!("array.dask_{key}_peak_mb"),
                    "MB",
                    "dask",
                    "largest of the runs",
                    peaks,
                );
            }
            Err(why) => {
                println!("  dask: skipped ({why:#})");
                report.skipped(&format!("array.dask_{key}_s"), "s", "dask", &format!("{why:#}"));
                report.skipped(&format!("array.dask_{key}_peak_mb"), "MB", "dask", &format!("{why:#}"));
            }
        }
    }
    talk_cells::run(args, sizes, report)
}

/// dask's last summary, times and peak memories (MB) of one cell over
/// fresh processes.
fn dask_runs(args: &Args, sizes: &Sizes, cell: &str, key: &str) -> Result<(Value, Vec<f64>, Vec<f64>)> {
    let (size, chunk) = sizes.array;
    let argv = [size.to_string(), chunk.to_string(), "2".into(), cell.into(), "1".into()];
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (mut doc, mut times, mut peaks) = (Value::Null, Vec::new(), Vec::new());
    for _ in 0..sizes.array_repeats {
        doc = last_json(&python(args, DASK_PEER, &argv, "dask[array]")?)?;
        times.push(doc[format!("{key}_s")][0].as_f64().unwrap_or(f64::NAN));
        peaks.push(doc["peak_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0);
    }
    Ok((doc, times, peaks))
}
