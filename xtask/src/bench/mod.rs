//! `cargo xtask bench`: the figures the issues set targets for, measured in
//! one run with the Python peers beside them when they are installed (Ciw,
//! dask); without them those comparisons are skipped with a message.

mod array;
mod engine;
mod executors;
mod frame;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Run one part only: engine, executors, frame or array.
    section: Option<Section>,
    /// Trials timed for the per-trial median (a tenth of a second's worth,
    /// so that a short burst of load on a shared machine hardly moves it).
    #[arg(long, default_value_t = 1000)]
    trials: u64,
    /// Ciw trials timed (Ciw takes about 20 to 40 ms each).
    #[arg(long, default_value_t = 30)]
    ciw_trials: u64,
    /// Trivial tasks timed for the scheduler overhead.
    #[arg(long, default_value_t = 100_000)]
    tasks: usize,
    /// Trials of the large sweep timed for the speed-up.
    #[arg(long, default_value_t = 100_000)]
    big_trials: u64,
    /// How long each function of the sleeping graph sleeps, in milliseconds.
    #[arg(long, default_value_t = 500)]
    nap_ms: u64,
    /// Python interpreter with the peers; default: $PYTHON, then
    /// .venv/bin/python in the workspace, then python3.
    #[arg(long)]
    python: Option<PathBuf>,
}

/// The parts of the benchmark.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Section {
    /// The queueing engine against Ciw.
    Engine,
    /// The executors and the task graph against dask.
    Executors,
    /// The chunked dataframe against polars, dask and pandas.
    Frame,
    /// The chunked array against dask.
    Array,
}

pub(crate) fn run(args: Args) -> Result<()> {
    println!("# Benchmarks (release build)");
    println!("machine: {}", machine());
    let wants = |s: Section| args.section.is_none_or(|x| x == s);
    if wants(Section::Engine) {
        println!();
        engine::run(&args)?;
    }
    if wants(Section::Executors) {
        println!();
        executors::run(&args)?;
    }
    if wants(Section::Frame) {
        println!();
        frame::run(&args)?;
    }
    if wants(Section::Array) {
        println!();
        array::run(&args)?;
    }
    Ok(())
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Runs a Python script with arguments and returns what it printed; the
/// error says which package to install when the script fails.
fn python(args: &Args, script: &str, argv: &[&str], package: &str) -> Result<String> {
    let python = find_python(args.python.as_deref());
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(argv)
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !out.status.success() {
        bail!(
            "{} lacks {package} (python3 -m venv .venv && .venv/bin/pip install '{package}'): {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn find_python(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_owned();
    }
    if let Some(p) = std::env::var_os("PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    if venv.exists() {
        return venv;
    }
    "python3".into()
}

/// A one-line description of the machine for the figures.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}
