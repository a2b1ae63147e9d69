//! The dataframe's figures: the talk's query on the generated flights file
//! (time and peak memory), ours and polars', dask's and pandas' each in a
//! fresh process per repeat with 2 threads (pandas: one); whether the means
//! equal pandas'; the time on 1x, 2x and 4x the data (a glob over links to
//! the same file); the same rows quoted, as Parquet and gzip'd (`formats`);
//! flights joined with the airline names (`join`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use executors::output::Output;
use serde_json::{Value, json};

use super::{Args, Report, Sizes, largest, last_json, median, python, spread};
use crate::gen_data;

mod formats;
pub(crate) mod join;

const PEER: &str = include_str!("frame_peer.py");
const FRESH: &str = "fresh process each (planning and query, start-up excluded)";

/// Means by airport.
type Means = BTreeMap<String, f64>;

pub(crate) fn run(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    println!("## chunked-frame (2 workers)");
    println!();
    let csv = match sizes.frame_rows {
        None => {
            let csv = PathBuf::from(gen_data::DEFAULT_PATH);
            gen_data::ensure(&csv)?;
            csv
        }
        Some(rows) => small_file(rows)?,
    };
    let bytes = std::fs::metadata(&csv)?.len();
    let n = sizes.repeats;
    println!(
        "The talk's query on {} ({:.0} MB), median of {n}, each run in a fresh process:",
        csv.display(),
        bytes as f64 / 1e6
    );
    let path = csv.to_str().context("the CSV path is not UTF-8")?;
    let (times, peaks, ours_means) = ours(path, n)?;
    let (mine, peak) = (median(&times), peaks.iter().copied().fold(0.0, f64::max));
    println!("  {:>24}: {mine:>7.3} s, peak {peak:>5.0} MB ({})", "chunked-frame", spread(&times, 1.0, 3));
    report.measured("frame.query_s", "s", "chunked-frame", FRESH, times);
    report
        .measured("frame.peak_mb", "MB", "chunked-frame", "largest of the runs", peaks)
        .target("at most 250 MB", peak <= 250.0);
    for peer in ["polars", "dask", "pandas"] {
        match peer_runs(args, peer, path, n) {
            Ok((doc, times, peaks, means)) => {
                report.versions_from(peer, &doc);
                let version = doc["version"].as_str().unwrap_or("?");
                let (t, mb) = (median(&times), peaks.iter().copied().fold(0.0, f64::max));
                println!(
                    "  {:>24}: {t:>7.3} s, peak {mb:>5.0} MB ({:.2}x our time; {})",
                    format!("{peer} {version}"),
                    t / mine,
                    spread(&times, 1.0, 3)
                );
                let f = report.measured(&format!("frame.{peer}_s"), "s", peer, FRESH, times);
                f.ratio(t / mine, "their median / ours");
                if peer == "polars" {
                    f.target("ours no slower than polars", mine <= t);
                }
                report.measured(&format!("frame.{peer}_peak_mb"), "MB", peer, "largest of the runs", peaks);
                compare_means(report, peer, &ours_means, &means);
            }
            Err(why) => {
                println!("  {peer}: skipped ({why:#})");
                report.skipped(&format!("frame.{peer}_s"), "s", peer, &format!("{why:#}"));
                report.skipped(&format!("frame.{peer}_peak_mb"), "MB", peer, &format!("{why:#}"));
            }
        }
    }
    println!();
    formats::run(args, &csv, sizes, report)?;
    println!();
    join::run(args, &csv, sizes, report)?;
    println!();
    scaling(&csv, sizes, report)
}

/// The time on 1, 2 and 4 links to the file, read as one glob.
fn scaling(csv: &Path, sizes: &Sizes, report: &mut Report) -> Result<()> {
    println!("Scaling (a glob over 1, 2 and 4 links to the file), median of {}:", sizes.repeats);
    let dir =
        csv.with_file_name(format!("scale-{}", csv.file_stem().and_then(|s| s.to_str()).unwrap_or("csv")));
    let mut base = f64::NAN;
    let mut peak: f64 = 0.0;
    for k in [1usize, 2, 4] {
        let sub = dir.join(format!("{k}x"));
        std::fs::create_dir_all(&sub).with_context(|| format!("cannot create {}", sub.display()))?;
        for i in 0..k {
            let link = sub.join(format!("part-{i}.csv"));
            if !link.exists() {
                std::os::unix::fs::symlink(std::fs::canonicalize(csv)?, &link)
                    .with_context(|| format!("cannot link {}", link.display()))?;
            }
        }
        let (times, peaks, _) = ours(&format!("{}/part-*.csv", sub.display()), sizes.repeats)?;
        let t = median(&times);
        if k == 1 {
            base = t;
        }
        let mb = peaks.iter().copied().fold(0.0, f64::max);
        peak = peak.max(mb);
        println!(
            "  {:>24}: {t:>7.3} s ({:.2}x the 1x time), peak {mb:.0} MB ({})",
            format!("{k}x"),
            t / base,
            spread(&times, 1.0, 3)
        );
        let limit = 1.1 * k as f64;
        report
            .measured(&format!("frame.glob_{k}x_s"), "s", "chunked-frame", FRESH, times)
            .ratio(t / base, "of frame.glob_1x_s")
            .target(&format!("linear: at most {limit:.1}x the 1x time"), t / base <= limit);
    }
    report.derived("frame.glob_peak_mb", "MB", "chunked-frame", peak);
    Ok(())
}

/// Times (planning and query), peak memories and the means of `runs`
/// fresh processes running the demo's dataframe section on `csv`.
fn ours(csv: &str, runs: usize) -> Result<(Vec<f64>, Vec<f64>, Means)> {
    let exe = std::env::current_exe()?;
    let (mut times, mut peaks, mut means) = (Vec::new(), Vec::new(), Means::new());
    let scratch = std::env::temp_dir().join(format!("xtask-bench-frame-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    for i in 0..runs.max(1) {
        let json = scratch.join(format!("{i}.json"));
        let out = Command::new(&exe)
            .args(["demo", "dataframe", "--workers", "2", "--csv", csv, "--json"])
            .arg(&json)
            .arg("--drawing")
            .arg(scratch.join("talk"))
            .output()?;
        if !out.status.success() {
            bail!("the dataframe demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        let t = &doc["timings_s"]["dataframe"];
        times.push(t["query"].as_f64().unwrap_or(f64::NAN) + t["plan"].as_f64().unwrap_or(f64::NAN));
        peaks.push(t["peak_rss_mb"].as_f64().unwrap_or(f64::NAN));
        means = means_of(&doc["results"]["dataframe"]["means"]);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok((times, peaks, means))
}

/// A peer's last report (its versions), times, peak memories and means,
/// from `runs` fresh processes.
fn peer_runs(args: &Args, peer: &str, csv: &str, runs: usize) -> Result<(Value, Vec<f64>, Vec<f64>, Means)> {
    let (mut last, mut times, mut peaks, mut means) = (Value::Null, Vec::new(), Vec::new(), Means::new());
    for _ in 0..runs.max(1) {
        let doc = last_json(&python(args, PEER, &[peer, csv], peer)?)?;
        times.push(doc["seconds"].as_f64().unwrap_or(f64::NAN));
        peaks.push(doc["peak_mb"].as_f64().unwrap_or(f64::NAN));
        means = means_of(&doc["means"]);
        if peer == "polars" && doc["threads"] != json!(2) {
            bail!("polars ran {} threads, not 2 (POLARS_MAX_THREADS)", doc["threads"]);
        }
        last = doc;
    }
    Ok((last, times, peaks, means))
}

fn means_of(v: &Value) -> Means {
    v.as_object()
        .map(|o| o.iter().map(|(k, x)| (k.clone(), x.as_f64().unwrap_or(f64::NAN))).collect())
        .unwrap_or_default()
}

/// Prints and records polars' side of the cell `key` against our median
/// `ours` and means `mine` (`frame.polars_{key}_s` with the ratio and the
/// target "no slower", `frame.polars_{key}_peak_mb`, and the means
/// compared), or records both figures as skipped when polars did not run.
pub(super) fn polars_side(
    report: &mut Report,
    key: &str,
    ours: f64,
    mine: &Means,
    run: Result<(Value, Vec<f64>, Vec<f64>, Means)>,
) {
    let (time, peak) = (format!("frame.polars_{key}_s"), format!("frame.polars_{key}_peak_mb"));
    match run {
        Ok((doc, times, peaks, means)) => {
            report.versions_from("polars", &doc);
            let (theirs, mb) = (median(&times), largest(&peaks));
            println!(
                "  {:>34}: {theirs:>7.3} s, peak {mb:>5.0} MB ({:.2}x our time; {})",
                format!("polars {}", doc["version"].as_str().unwrap_or("?")),
                theirs / ours,
                spread(&times, 1.0, 3)
            );
            report
                .measured(&time, "s", "polars", FRESH, times)
                .ratio(theirs / ours, "their median / ours")
                .target("ours no slower than polars", ours <= theirs);
            report.measured(&peak, "MB", "polars", "largest of the runs", peaks);
            compare_means(report, &format!("polars_{key}"), mine, &means);
        }
        Err(why) => {
            println!("  {:>34}: skipped ({why:#})", "polars");
            report.skipped(&time, "s", "polars", &format!("{why:#}"));
            report.skipped(&peak, "MB", "polars", &format!("{why:#}"));
        }
    }
}

/// Records whether our means equal a peer's to the last digit (the same
/// airports, the same finite `f64`s), and prints the comparison with pandas'.
fn compare_means(report: &mut Report, peer: &str, ours: &Means, theirs: &Means) {
    let equal = !ours.is_empty()
        && ours.len() == theirs.len()
        && ours
            .iter()
            .all(|(k, x)| theirs.get(k).is_some_and(|y| x.is_finite() && x.to_bits() == y.to_bits()));
    let show = |m: &Means| m.iter().map(|(k, x)| format!("{k} {x}")).collect::<Vec<_>>().join(", ");
    if peer == "pandas" || !equal {
        println!(
            "  the means {} those of {peer} to the last digit: ours {}; {peer} {}",
            if equal { "equal" } else { "DIFFER from" },
            show(ours),
            show(theirs)
        );
    }
    let detail = json!({ "ours": ours, peer: theirs });
    report.check(&format!("frame.means_equal_{peer}"), equal, detail);
}

/// A small generated flights file for `--quick`, written on first use.
pub(super) fn small_file(rows: u64) -> Result<PathBuf> {
    let path = PathBuf::from(format!("data/generated/flights-{rows}.csv"));
    if !path.exists() {
        std::fs::create_dir_all("data/generated")?;
        Output::check(&path)?.write(|w| chunked_frame::flights::write_synthetic(w, rows, 2015))?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests;
