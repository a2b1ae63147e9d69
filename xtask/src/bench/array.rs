//! The array's figures: mean and std of normal(1e4 x 1e4) together, and
//! C = A.dot(B).sum() / A.mean() * B.var(), each in fresh processes with
//! their peak memory, beside dask threads in the same run when installed.

use std::process::Command;

use anyhow::{Result, bail};

use super::{Args, median, python};

const DASK_PEER: &str = include_str!("../../../crates/chunked-array/benches/dask_peer.py");

pub(crate) fn run(args: &Args) -> Result<()> {
    println!("## chunked-array (2 workers, chunks 2500, 1e4 x 1e4)");
    println!();
    let exe = std::env::current_exe()?;
    let (mut moments, mut c, mut peak): (Vec<f64>, Vec<f64>, f64) = (Vec::new(), Vec::new(), 0.0);
    for i in 0..5 {
        let json = std::env::temp_dir().join(format!("xtask-bench-array-{}-{i}.json", std::process::id()));
        let out = Command::new(&exe)
            .args(["demo", "array", "--workers", "2", "--size", "10000", "--chunk", "2500", "--json"])
            .arg(&json)
            .arg("--drawing")
            .arg(std::env::temp_dir().join(format!("xtask-bench-array-{}", std::process::id())))
            .output()?;
        if !out.status.success() {
            bail!("the array demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        std::fs::remove_file(&json)?;
        let t = &doc["timings_s"]["array"];
        moments.push(t["mean_std"].as_f64().unwrap_or(f64::NAN));
        c.push(t["c"].as_f64().unwrap_or(f64::NAN));
        peak = peak.max(t["peak_rss_mb_after_c"].as_f64().unwrap_or(f64::NAN));
    }
    let (m, cc) = (median(&mut moments), median(&mut c));
    println!(
        "  {:>28}: mean+std {m:.3} s, C {cc:.3} s, peak {peak:.0} MB (median of 5, fresh processes)",
        "chunked-array"
    );
    for (cell, label) in [("moments", "mean+std"), ("c", "C")] {
        match python(args, DASK_PEER, &["10000", "2500", "2", cell], "dask") {
            Ok(text) => {
                let time = text
                    .lines()
                    .find_map(|l| l.split("median ").nth(1)?.split(' ').next()?.parse::<f64>().ok())
                    .unwrap_or(f64::NAN);
                let kb = text
                    .lines()
                    .find_map(|l| l.strip_prefix("peak memory ")?.split(' ').next()?.parse::<f64>().ok())
                    .unwrap_or(f64::NAN);
                let ours = if cell == "c" { cc } else { m };
                println!(
                    "  {:>28}: {label} {time:.3} s, peak {:.0} MB ({:.1}x our time)",
                    "dask threads",
                    kb / 1024.0,
                    time / ours
                );
            }
            Err(why) => println!("  dask: skipped ({why:#})"),
        }
    }
    Ok(())
}
