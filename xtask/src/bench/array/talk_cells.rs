//! The array's cube and `.npy` cells: chunked-array's `talk` example against
//! `dask_peer.py` (and numpy for the read) in their `cube` and `npy` modes,
//! each a fresh process per sample, 2 workers each. Each process times 5
//! runs in itself and reports their median (the example always runs 5), so
//! the peer is asked for 5 too; a sample is one process's median.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::super::{Args, Report, Sizes, largest, last_json, median, python, spread};
use super::DASK_PEER;

/// Runs each process times in itself (fixed by the `talk` example).
const IN_PROCESS: &str = "5";
const FRESH: &str = "fresh process each, the median of 5 runs in it (start-up excluded)";
const LARGEST: &str = "largest of the runs";
const LARGEST_NPY: &str = "largest of the runs (each process writes the file, then reads it)";

/// What one cell measured over its processes: times (or two lists of
/// times for the `.npy` cell's write and read) and peak memories in MB.
#[derive(Default)]
struct Runs {
    first: Vec<f64>,
    second: Vec<f64>,
    peaks: Vec<f64>,
}

pub(super) fn run(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let (size, chunk) = sizes.array;
    let n = sizes.array_repeats;
    let side = size / 10;
    println!();
    println!(
        "The cube (mean over the trials of {side} x {side} x 100 normals, auto chunks) and the .npy file \
         ({size} x {size}, chunks {chunk}), median over {n} fresh processes of each one's median of 5 runs:"
    );
    let talk = build_talk()?;
    // Every process's temporary directory, where the .npy files go.
    let scratch = tempfile::TempDir::new().context("cannot create a temporary directory")?;
    let argv = |cell: &str| vec![size.to_string(), chunk.to_string(), "2".to_owned(), cell.to_owned()];

    let mut cube = Runs::default();
    let mut npy = Runs::default();
    for _ in 0..n {
        let text = run_talk(&talk, &argv("cube"), scratch.path())?;
        cube.first.push(median_after(&text, "cube mean over trials")?);
        cube.peaks.push(peak_mb(&text)?);
        let text = run_talk(&talk, &argv("npy"), scratch.path())?;
        let line = line_of(&text, "npy write")?;
        let (write, read) = line.split_once(';').context("no `;` in the example's npy line")?;
        npy.first.push(median_after(write, "npy write")?);
        npy.second.push(median_after(read, "")?);
        npy.peaks.push(peak_mb(&text)?);
    }
    let (cube_t, write_t, read_t) = (median(&cube.first), median(&npy.first), median(&npy.second));
    let (cube_mb, npy_mb) = (largest(&cube.peaks), largest(&npy.peaks));
    println!(
        "  {:>20}: cube {cube_t:.3} s ({}), peak {cube_mb:.0} MB",
        "chunked-array",
        spread(&cube.first, 1.0, 3)
    );
    println!(
        "  {:>20}: .npy write {write_t:.3} s ({}); read + mean {read_t:.3} s ({}); peak {npy_mb:.0} MB",
        "chunked-array",
        spread(&npy.first, 1.0, 3),
        spread(&npy.second, 1.0, 3)
    );
    report.measured("array.cube_s", "s", "chunked-array", FRESH, cube.first);
    report.measured("array.cube_peak_mb", "MB", "chunked-array", LARGEST, cube.peaks);
    report.measured("array.npy_write_s", "s", "chunked-array", FRESH, npy.first);
    report.measured("array.npy_read_s", "s", "chunked-array", FRESH, npy.second);
    report.measured("array.npy_peak_mb", "MB", "chunked-array", LARGEST_NPY, npy.peaks);

    let peer = |cell: &str| -> Result<(Value, Runs)> {
        let mut argv = argv(cell);
        argv.push(IN_PROCESS.to_owned());
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let (mut doc, mut runs) = (Value::Null, Runs::default());
        for _ in 0..n {
            doc = last_json(&python_in(args, &argv, scratch.path())?)?;
            let keys: &[&str] = if cell == "cube" { &["cube_s"] } else { &["npy_write_s", "npy_read_s"] };
            for (i, key) in keys.iter().enumerate() {
                let times = samples(&doc[*key]).with_context(|| format!("no {key} from dask_peer.py"))?;
                if i == 0 { &mut runs.first } else { &mut runs.second }.push(median(&times));
            }
            runs.peaks.push(doc["peak_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0);
        }
        Ok((doc, runs))
    };
    match peer("cube") {
        Ok((doc, runs)) => {
            report.versions_from("dask", &doc);
            let (t, mb) = (median(&runs.first), largest(&runs.peaks));
            println!(
                "  {:>20}: cube {t:.3} s ({:.1}x our time; {}), peak {mb:.0} MB",
                "dask threads",
                t / cube_t,
                spread(&runs.first, 1.0, 3)
            );
            report
                .measured("array.dask_cube_s", "s", "dask", FRESH, runs.first)
                .ratio(t / cube_t, "dask's median / ours")
                .target("at least 5x", t / cube_t >= 5.0);
            report.measured("array.dask_cube_peak_mb", "MB", "dask", LARGEST, runs.peaks);
        }
        Err(why) => {
            println!("  dask cube: skipped ({why:#})");
            report.skipped("array.dask_cube_s", "s", "dask", &format!("{why:#}"));
            report.skipped("array.dask_cube_peak_mb", "MB", "dask", &format!("{why:#}"));
        }
    }
    match peer("npy") {
        Ok((doc, runs)) => {
            report.versions_from("dask", &doc);
            let (w, r, mb) = (median(&runs.first), median(&runs.second), largest(&runs.peaks));
            println!(
                "  {:>20}: .npy write (da.store into open_memmap) {w:.3} s ({:.2}x our time; {}), peak {mb:.0} MB",
                "dask threads",
                w / write_t,
                spread(&runs.first, 1.0, 3)
            );
            println!(
                "  {:>20}: np.load(mmap_mode='r').mean() {r:.3} s ({:.2}x our time; {})",
                "numpy",
                r / read_t,
                spread(&runs.second, 1.0, 3)
            );
            report
                .measured("array.dask_npy_write_s", "s", "dask", FRESH, runs.first)
                .ratio(w / write_t, "dask's median / ours")
                .target("ours at least as fast", write_t <= w);
            report
                .measured("array.numpy_npy_read_s", "s", "numpy", FRESH, runs.second)
                .ratio(r / read_t, "numpy's median / ours")
                .target("ours no slower", read_t <= r);
            report.measured("array.dask_npy_peak_mb", "MB", "dask", LARGEST_NPY, runs.peaks);
        }
        Err(why) => {
            println!("  dask and numpy .npy: skipped ({why:#})");
            let why = format!("{why:#}");
            report.skipped("array.dask_npy_write_s", "s", "dask", &why);
            report.skipped("array.numpy_npy_read_s", "s", "numpy", &why);
            report.skipped("array.dask_npy_peak_mb", "MB", "dask", &why);
        }
    }
    Ok(())
}

/// Builds chunked-array's `talk` example with the profile of this build
/// (and its features, so that nothing else is rebuilt) and returns its path;
/// quietly, so that the figures are not lost among "Compiling" lines (errors
/// still show).
fn build_talk() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(&cargo);
    build
        .args(["build", "-p", "xtask", "-p", "chunked-array", "--example", "talk"])
        .args(["--quiet", "--message-format=json-render-diagnostics"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stderr(Stdio::inherit());
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    if cfg!(feature = "mpi") {
        build.args(["--features", "xtask/mpi"]);
    }
    let out = build.output().with_context(|| format!("cannot run {}", Path::new(&cargo).display()))?;
    if !out.status.success() {
        bail!("cannot build chunked-array's talk example (cargo build -p chunked-array --example talk)");
    }
    executable(&String::from_utf8_lossy(&out.stdout))
        .context("cargo did not name the talk example's executable")
}

/// The executable of the `talk` example among cargo's JSON messages.
fn executable(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "talk")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// Runs the example once, with `tmp` as its temporary directory, and
/// returns what it printed.
fn run_talk(exe: &Path, argv: &[String], tmp: &Path) -> Result<String> {
    let out = Command::new(exe).args(argv).env("TMPDIR", tmp).output()?;
    if !out.status.success() {
        bail!("the talk example failed ({}): {}", argv.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// `dask_peer.py` once, with `tmp` as its temporary directory (where it
/// writes the `.npy` file): the first argument, taken off before the script
/// reads its own.
fn python_in(args: &Args, argv: &[&str], tmp: &Path) -> Result<String> {
    let script = format!("import sys, tempfile\ntempfile.tempdir = sys.argv.pop(1)\n{DASK_PEER}");
    let tmp = tmp.to_str().context("the temporary directory's path is not UTF-8")?;
    let mut all = vec![tmp];
    all.extend_from_slice(argv);
    python(args, &script, &all, "dask[array]")
}

/// The line of `text` that starts with `start`.
fn line_of<'a>(text: &'a str, start: &str) -> Result<&'a str> {
    text.lines().find(|l| l.starts_with(start)).with_context(|| format!("no `{start}` line in: {text}"))
}

/// The number after the last `median` in the line of `text` starting with
/// `start` (seconds).
fn median_after(text: &str, start: &str) -> Result<f64> {
    let line = line_of(text.trim_start(), start)?;
    let (_, rest) = line.rsplit_once("median ").with_context(|| format!("no median in `{line}`"))?;
    let word = rest.split_whitespace().next().unwrap_or("");
    word.parse().with_context(|| format!("bad median `{word}` in `{line}`"))
}

/// The example's `peak memory N kB` line, in MB.
fn peak_mb(text: &str) -> Result<f64> {
    let line = line_of(text, "peak memory")?;
    let kb: f64 = line
        .trim_start_matches("peak memory")
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .with_context(|| format!("bad peak memory line `{line}`"))?;
    Ok(kb / 1024.0)
}

fn samples(v: &Value) -> Option<Vec<f64>> {
    v.as_array()?.iter().map(Value::as_f64).collect()
}

#[cfg(test)]
mod tests;
