//! `cargo xtask mutants CRATE`: runs `cargo mutants` over a crate's core
//! files within a time budget and prints the outcome counts. docs/testing.md
//! says how to read the results and lists the known equivalent mutants.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The crates with core logic worth mutating, each with its default files
/// (relative to the crate's directory).
const CORE_FILES: &[(&str, &[&str])] = &[
    (
        "queue-sim",
        &[
            "src/engine/event_queue.rs",
            "src/engine/routing.rs",
            "src/python_random.rs",
            "src/engine/service.rs",
            "src/engine/preemption.rs",
            "src/engine/reneging.rs",
            "src/engine/arrivals.rs",
        ],
    ),
    ("executors", &["src/work_queue.rs", "src/scheduler.rs"]),
    ("chunked-frame", &["src/tokenizer.rs", "src/groupby.rs"]),
    ("chunked-array", &["src/kernels.rs"]),
];

/// Options of `cargo xtask mutants`.
#[derive(clap::Args)]
#[command(after_help = after_help())]
pub(crate) struct Args {
    /// The crate to mutate: queue-sim, executors, chunked-frame or chunked-array.
    /// Without it, lists the crates and their default files.
    #[arg(name = "CRATE")]
    krate: Option<String>,
    /// Mutate only these files (globs relative to the crate's directory,
    /// repeatable); without it, the crate's default core files.
    #[arg(long = "file", value_name = "GLOB")]
    files: Vec<String>,
    /// Stop the run after this many minutes, keeping the outcomes so far.
    #[arg(long, value_name = "MINUTES", default_value_t = 30)]
    budget: u64,
    /// Mutants built and tested at once (each in its own copy of the tree).
    #[arg(long, default_value_t = 1)]
    jobs: u32,
    /// Per-mutant test timeout in seconds (default: cargo-mutants' own, from
    /// the unmutated baseline).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Only list the mutants that would be tested.
    #[arg(long)]
    list: bool,
    /// Skip the mutants caught (or unviable) in the previous run of this
    /// crate (the last one only, whatever its files): after adding tests,
    /// re-runs just the survivors and the mutants not reached.
    #[arg(long)]
    iterate: bool,
}

/// The crates and their default files, where the results go, and where the
/// known equivalent mutants are listed: the end of `--help`.
fn after_help() -> String {
    let mut text = String::from("Crates and their default files:\n");
    for (name, files) in CORE_FILES {
        text += &format!("  {name:<14} {}\n", files.join(" "));
    }
    text += "\nResults go to target/mutants/CRATE/mutants.out (outcomes.json, missed.txt, caught.txt,\n\
             timeout.txt, unviable.txt). Known equivalent mutants are listed in docs/testing.md.\n\
             Needs cargo-mutants: `cargo install --locked cargo-mutants`.";
    text
}

pub(crate) fn run(args: Args) -> Result<()> {
    let Some(krate) = args.krate.as_deref() else {
        println!("Crates and their default files (cargo xtask mutants CRATE):");
        for (name, files) in CORE_FILES {
            println!("  {name:<14} {}", files.join(" "));
        }
        return Ok(());
    };
    let Some(&(_, defaults)) = CORE_FILES.iter().find(|(name, _)| *name == krate) else {
        let known: Vec<&str> = CORE_FILES.iter().map(|(name, _)| *name).collect();
        bail!("unknown crate `{krate}` for `cargo xtask mutants`: choose one of {}", known.join(", "));
    };
    if args.budget == 0 {
        bail!("--budget must be at least 1 minute");
    }
    let root = workspace_root();
    let crate_dir = format!("crates/{krate}");
    let files: Vec<String> = if args.files.is_empty() {
        defaults.iter().map(|f| format!("{crate_dir}/{f}")).collect()
    } else {
        args.files.iter().map(|f| format!("{crate_dir}/{}", f.trim_start_matches("./"))).collect()
    };
    check_installed()?;

    let out_dir = root.join("target").join("mutants").join(krate);
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root).args(["mutants", "--package", krate, "--jobs", &args.jobs.to_string()]);
    for file in &files {
        cmd.args(["--file", file]);
    }
    if args.iterate {
        cmd.arg("--iterate");
    }
    if let Some(timeout) = args.timeout {
        cmd.args(["--timeout", &timeout.to_string()]);
    }
    // `--list --iterate` reads the previous outcomes from here too.
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    cmd.arg("--output").arg(&out_dir);
    if args.list {
        let status = cmd.arg("--list").status().context("running `cargo mutants --list`")?;
        if !status.success() {
            bail!("`cargo mutants --list` failed ({status})");
        }
        return Ok(());
    }
    println!("Mutating {} in {krate}, budget {} min, {} job(s)", files.join(" "), args.budget, args.jobs);
    let budget = Duration::from_secs(args.budget.saturating_mul(60));
    let (status, stopped) = run_within(cmd, budget)?;
    let results = out_dir.join("mutants.out");
    if stopped {
        println!("Budget of {} min spent: stopped the run; outcomes so far are kept.", args.budget);
    }
    print_counts(&results);
    println!("Results: {} (missed.txt lists the survivors)", results.display());
    // cargo-mutants exits non-zero when mutants are missed or time out;
    // that is a finding, reported above, not a failure of this task.
    if !stopped && !status.success() && !results.join("outcomes.json").is_file() {
        bail!("`cargo mutants` failed before testing any mutant ({status})");
    }
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_owned)
}

/// Fails with how to install cargo-mutants when `cargo mutants` is missing.
fn check_installed() -> Result<()> {
    let installed =
        Command::new("cargo").args(["mutants", "--version"]).output().is_ok_and(|out| out.status.success());
    if !installed {
        bail!("cargo-mutants is not installed: run `cargo install --locked cargo-mutants` and try again");
    }
    Ok(())
}

/// Runs `cmd` in a process group of its own; when `budget` is spent, asks the
/// group to stop (SIGINT, which cargo-mutants handles by saving its outcomes),
/// then kills it. Returns the exit status and whether the budget stopped it.
fn run_within(mut cmd: Command, budget: Duration) -> Result<(ExitStatus, bool)> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().context("starting `cargo mutants`")?;
    let deadline = Instant::now() + budget;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status, false));
        }
        if Instant::now() >= deadline {
            return Ok((stop(&mut child)?, true));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Stops `child` and its process group: SIGINT, up to 60 s of grace, SIGKILL.
fn stop(child: &mut Child) -> Result<ExitStatus> {
    let group = format!("-{}", child.id());
    signal_group("-INT", &group);
    let grace = Instant::now() + Duration::from_secs(60);
    while Instant::now() < grace {
        if let Some(status) = child.try_wait()? {
            signal_group("-KILL", &group);
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    signal_group("-KILL", &group);
    child.kill().ok();
    Ok(child.wait()?)
}

/// Sends `signal` to the process group `group` (`-PGID`) with kill(1); a
/// group already gone is not an error.
fn signal_group(signal: &str, group: &str) {
    let _ = Command::new("kill").args([signal, "--", group]).stderr(std::process::Stdio::null()).status();
}

/// Prints the caught/missed/timeout/unviable counts of `results`'
/// outcomes.json, out of the mutants found (mutants.json).
fn print_counts(results: &Path) {
    let read = |name: &str| {
        let text = std::fs::read_to_string(results.join(name)).ok()?;
        serde_json::from_str::<serde_json::Value>(&text).ok()
    };
    let Some(json) = read("outcomes.json") else {
        println!("No outcomes yet ({} is missing or not JSON).", results.join("outcomes.json").display());
        return;
    };
    let count = |key: &str| json.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let [caught, missed, timeout, unviable] = ["caught", "missed", "timeout", "unviable"].map(count);
    let tested = caught + missed + timeout + unviable;
    let found = read("mutants.json").and_then(|m| m.as_array().map(Vec::len));
    let found = found.map_or_else(|| "?".to_owned(), |n| n.to_string());
    println!(
        "Mutants: {tested} of {found} tested: {caught} caught, {missed} missed, {timeout} timeout, {unviable} unviable"
    );
}
