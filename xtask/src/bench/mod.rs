//! `cargo xtask bench`: every figure of the README's Performance section,
//! measured in one run with the Python peers beside them when they are
//! installed (Ciw, dask, polars, pandas), each peer measured the way ours
//! is (fresh processes for both or warm repeats for both, the same thread
//! counts); without a peer its figures are recorded as skipped. `--json
//! OUT` writes them all; `--quick` runs small sizes for a smoke test.

mod array;
mod demo;
mod engine;
mod executors;
pub(crate) mod frame;
mod mpi;
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;

use ::executors::output::Output;
use anyhow::{Context, Result, bail};
use serde_json::json;

pub(crate) use report::{Report, largest, median, spread};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Run one part only: engine, executors, mpi, frame, array or demo.
    section: Option<Section>,
    /// Also write every figure measured to this JSON file (checked before
    /// the run starts): samples, medians, ratios, targets, peers' versions.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Small sizes everywhere (a smoke test in seconds; the figures mean
    /// nothing).
    #[arg(long)]
    quick: bool,
    /// Trials timed for the per-trial median (default 1000; quick 20).
    #[arg(long)]
    trials: Option<u64>,
    /// Ciw trials timed (Ciw takes about 20 to 40 ms each; default 30,
    /// quick 3).
    #[arg(long)]
    ciw_trials: Option<u64>,
    /// Trivial tasks timed for the scheduler overhead (default 100 000;
    /// quick 2000).
    #[arg(long)]
    tasks: Option<usize>,
    /// Trials of the large sweep timed for the speed-up (default 100 000;
    /// quick 300).
    #[arg(long)]
    big_trials: Option<u64>,
    /// How long each function of the sleeping graph sleeps, in
    /// milliseconds (default 500; quick 10).
    #[arg(long)]
    nap_ms: Option<u64>,
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
    /// 10 000 trials under mpirun against the pool (a build with `--features mpi`).
    Mpi,
    /// The chunked dataframe against polars, dask and pandas.
    Frame,
    /// The chunked array against dask.
    Array,
    /// The whole demo's time (`cargo xtask demo`).
    Demo,
}

/// The sizes of one run: the README's, or small ones with `--quick`.
pub(crate) struct Sizes {
    /// Trials of the talk's M/M/3 timed in-process.
    pub(crate) trials: u64,
    /// Ciw trials timed in-process.
    pub(crate) ciw_trials: u64,
    /// Multiplies the length (in events) of the events-a-second runs.
    pub(crate) events: f64,
    /// Trivial tasks for the scheduler overhead.
    pub(crate) tasks: usize,
    /// Delayed calls dask computes (it takes about 0.5 ms each).
    pub(crate) dask_tasks: usize,
    /// Trials of the large sweep.
    pub(crate) big_trials: u64,
    /// Runs of the talk's 300 trials per strategy.
    pub(crate) talk_runs: usize,
    /// Nap of the sleeping graph's functions, in milliseconds.
    pub(crate) nap_ms: u64,
    /// Runs of anything else timed more than once.
    pub(crate) repeats: usize,
    /// Trials of the MPI sweep.
    pub(crate) mpi_trials: u64,
    /// Rows of a smaller generated flights file, or `None` for the full one.
    pub(crate) frame_rows: Option<u64>,
    /// Side of the arrays and of their blocks.
    pub(crate) array: (usize, usize),
    /// Fresh processes per array cell.
    pub(crate) array_repeats: usize,
    /// Runs of the whole demo.
    pub(crate) demo_repeats: usize,
}

impl Sizes {
    fn of(args: &Args) -> Self {
        let q = args.quick;
        Self {
            trials: args.trials.unwrap_or(if q { 20 } else { 1000 }).max(1),
            ciw_trials: args.ciw_trials.unwrap_or(if q { 3 } else { 30 }).max(1),
            events: if q { 1e-3 } else { 1.0 },
            tasks: args.tasks.unwrap_or(if q { 2000 } else { 100_000 }).max(1),
            dask_tasks: if q { 200 } else { 10_000 },
            big_trials: args.big_trials.unwrap_or(if q { 300 } else { 100_000 }).max(1),
            talk_runs: if q { 1 } else { 11 },
            nap_ms: args.nap_ms.unwrap_or(if q { 10 } else { 500 }),
            repeats: if q { 1 } else { 3 },
            mpi_trials: if q { 200 } else { 10_000 },
            frame_rows: q.then_some(20_000),
            array: if q { (1000, 250) } else { (10_000, 2500) },
            array_repeats: if q { 1 } else { 5 },
            demo_repeats: 1,
        }
    }
}

pub(crate) fn run(args: Args) -> Result<()> {
    // A bad --json fails now, not after the benchmark.
    if args.json.as_deref() == Some(Path::new("-")) {
        bail!("--json -: the bench prints its tables on standard output; name a file for the JSON");
    }
    let output = args.json.as_deref().map(Output::check).transpose()?;
    if let Some(output) = &output {
        output.refuse_input(Path::new(crate::gen_data::DEFAULT_PATH), "flights CSV")?;
    }
    let sizes = Sizes::of(&args);
    let mut report = Report::default();
    let profile = if cfg!(debug_assertions) { "debug build" } else { "release build" };
    println!("# Benchmarks ({profile}{})", if args.quick { ", --quick: small sizes" } else { "" });
    println!("machine: {}", machine());
    println!("peers: {}", PEER_THREADS_TEXT);
    let wants = |s: Section| args.section.is_none_or(|x| x == s);
    if wants(Section::Engine) {
        println!();
        engine::run(&args, &sizes, &mut report)?;
    }
    if wants(Section::Executors) {
        println!();
        executors::run(&args, &sizes, &mut report)?;
    }
    if wants(Section::Mpi) {
        println!();
        mpi::run(&sizes, &mut report)?;
    }
    if wants(Section::Frame) {
        println!();
        frame::run(&args, &sizes, &mut report)?;
    }
    if wants(Section::Array) {
        println!();
        array::run(&args, &sizes, &mut report)?;
    }
    if wants(Section::Demo) {
        println!();
        demo::run(&sizes, &mut report)?;
    }
    if let Some(output) = output {
        let (date, unix) = today();
        let meta = json!({
            "command": std::env::args().collect::<Vec<_>>(),
            "date": date,
            "unix_time": unix,
            "machine": machine(),
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
            "build": profile,
            "mpi_feature": cfg!(feature = "mpi"),
            "quick": args.quick,
            "peer_threads": PEER_THREADS_TEXT,
            "git_commit": first_line("git", &["rev-parse", "HEAD"]),
            "rustc": first_line("rustc", &["--version"]),
        });
        let text = serde_json::to_string_pretty(&report.to_json(meta))? + "\n";
        output.write(|w| w.write_all(text.as_bytes()))?;
        println!();
        println!("Figures written to {}", output.path().display());
    }
    Ok(())
}

/// The peers' thread counts, set in their environment: polars' pool of 2
/// threads (our 2 workers), BLAS single-threaded so that dask's 2 workers
/// are the only threads at work (ours never call BLAS).
const PEER_ENV: [(&str, &str); 4] = [
    ("POLARS_MAX_THREADS", "2"),
    ("OMP_NUM_THREADS", "1"),
    ("OPENBLAS_NUM_THREADS", "1"),
    ("MKL_NUM_THREADS", "1"),
];

const PEER_THREADS_TEXT: &str = "POLARS_MAX_THREADS=2; dask scheduler=\"threads\", num_workers=2; \
     OMP/OPENBLAS/MKL_NUM_THREADS=1; Ciw and pandas one thread";

/// Runs a Python script with arguments in a fresh process, with the
/// peers' thread settings, and returns what it printed; the error says
/// which package to install when the script fails.
fn python(args: &Args, script: &str, argv: &[&str], package: &str) -> Result<String> {
    let python = find_python(args.python.as_deref());
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(argv)
        .envs(PEER_ENV)
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

/// The last line of a peer script's output, which is a JSON object.
fn last_json(text: &str) -> Result<serde_json::Value> {
    let line =
        text.lines().rev().find(|l| l.starts_with('{')).context("no JSON line from the peer script")?;
    serde_json::from_str(line).context("bad JSON from the peer script")
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

/// The first line a command prints, if it runs (from the workspace).
fn first_line(program: &str, argv: &[&str]) -> Option<String> {
    let out = Command::new(program).args(argv).current_dir(env!("CARGO_MANIFEST_DIR")).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    out.status.success().then(|| text.lines().next().unwrap_or("").to_owned())
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
    let memory = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        let kb: f64 =
            s.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!(", {:.0} GiB", kb / (1024.0 * 1024.0)))
    });
    format!("{cpu}, {cores} cores{}", memory.unwrap_or_default())
}

/// Today's date in UTC (`YYYY-MM-DD`) and the seconds since 1970.
fn today() -> (String, u64) {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, m, d) = civil(days);
    (format!("{y:04}-{m:02}-{d:02}"), secs)
}

/// The proleptic Gregorian date `days` after 1970-01-01: years counted
/// from March so that the leap day ends a year, in 400-year eras of
/// 146 097 days.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(59), (1970, 3, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(20_787), (2026, 11, 30));
    }
}
