//! `cargo xtask mutants CRATE`: runs `cargo mutants` over a crate's core
//! files within a time budget and prints the outcome counts. docs/testing.md
//! says how to read the results and lists the known equivalent mutants.

use std::ffi::{OsStr, OsString};
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
    /// Test the mutants in the source tree itself instead of a copy, reusing
    /// `target/` (much less building). The tree holds a mutant meanwhile: do
    /// not edit the crate, and check `git status` after a run that was killed.
    #[arg(long)]
    in_place: bool,
    /// Run only this test target of the crate (`it` for `tests/it/main.rs`;
    /// repeatable); with neither `--test` nor `--lib`, every target runs.
    #[arg(long = "test", value_name = "TARGET")]
    test_targets: Vec<String>,
    /// Run the crate's unit tests (the library target) too, or alone.
    #[arg(long)]
    lib: bool,
    /// Run only the tests whose names contain one of these (repeatable;
    /// passed to the test binaries after cargo-mutants' `-- --`).
    #[arg(long = "filter", value_name = "NAME")]
    filters: Vec<String>,
    /// Skip the tests whose names contain this (repeatable).
    #[arg(long = "skip", value_name = "NAME")]
    skips: Vec<String>,
    /// Further arguments for cargo-mutants itself, after `--` (e.g.
    /// `-- --re 'service.rs:27[0-9]:'`).
    #[arg(last = true, value_name = "CARGO_MUTANTS_ARGS")]
    extra: Vec<String>,
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
    // `--list --iterate` reads the previous outcomes from here too.
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root).args(mutants_args(krate, &files, &out_dir, &args));
    if args.list {
        let status = cmd.status().context("running `cargo mutants --list`")?;
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
    if args.in_place {
        println!("Tested in place: check with `git status` that no mutant was left in {crate_dir}.");
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

/// The arguments of `cargo` for the run: `mutants`, its options, then the
/// test selection. cargo-mutants passes what follows its `--` to `cargo
/// test`, and what follows a second `--` to the test binaries, which is
/// where name filters and `--skip` must go (after one `--`, `cargo test`
/// refuses `--skip` and every mutant would count as caught).
fn mutants_args(krate: &str, files: &[String], out_dir: &Path, args: &Args) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut push = |arg: &dyn AsRef<OsStr>| out.push(arg.as_ref().to_owned());
    for arg in ["mutants", "--package", krate, "--jobs"] {
        push(&arg);
    }
    push(&args.jobs.to_string());
    for file in files {
        push(&"--file");
        push(file);
    }
    if args.iterate {
        push(&"--iterate");
    }
    if args.in_place {
        push(&"--in-place");
    }
    if let Some(timeout) = args.timeout {
        push(&"--timeout");
        push(&timeout.to_string());
    }
    push(&"--output");
    push(&out_dir);
    if args.list {
        push(&"--list");
    }
    // `--cargo-test-arg=X` keeps a value that starts with `-` attached.
    if args.lib {
        push(&"--cargo-test-arg=--lib");
    }
    for target in &args.test_targets {
        push(&"--cargo-test-arg=--test");
        push(&format!("--cargo-test-arg={target}"));
    }
    for extra in &args.extra {
        push(extra);
    }
    if !args.filters.is_empty() || !args.skips.is_empty() {
        push(&"--");
        push(&"--");
        for skip in &args.skips {
            push(&"--skip");
            push(skip);
        }
        for filter in &args.filters {
            push(filter);
        }
    }
    out
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

#[cfg(test)]
mod tests;
