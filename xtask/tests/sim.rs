//! `cargo xtask sim` end to end: a sweep killed with SIGKILL part way and run
//! again with `--resume` writes the same file as an uninterrupted run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn xtask() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.env("RUST_BACKTRACE", "0");
    c
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-sim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SWEEP: [&str; 8] = ["--servers", "1,2,3", "--trials", "400", "--max-time", "20000", "--rng", "ciw"];

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|s| s.lines().count()).unwrap_or(0)
}

#[test]
fn a_killed_sweep_resumes_to_the_uninterrupted_file() {
    let dir = scratch("resume");
    let out = dir.join("results.csv");
    let journal = dir.join("results.csv.journal");
    let mut child = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "work-queue", "--workers", "2", "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while lines(&journal) < 100 {
        assert!(start.elapsed() < Duration::from_secs(120), "no progress in the journal");
        assert!(child.try_wait().unwrap().is_none(), "the sweep finished before it could be killed");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "no output file from a killed run");
    let done = lines(&journal);
    assert!(done < 1200, "killed part way ({done} of 1200 rows)");

    let status = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "pool", "--workers", "2", "--resume", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!journal.exists(), "the journal is removed once the file is written");

    let fresh = dir.join("fresh.csv");
    let status = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "sequential", "--out"])
        .arg(&fresh)
        .status()
        .unwrap();
    assert!(status.success());
    let resumed = std::fs::read_to_string(&out).unwrap();
    assert_eq!(resumed.lines().count(), 1201);
    assert_eq!(resumed, std::fs::read_to_string(&fresh).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_exit_non_zero_with_a_message() {
    for (args, message) in [
        (vec!["--workers", "0"], "workers must be at least 1"),
        (vec!["--servers", "0"], "server count must be at least 1"),
        (vec!["--arrival-rate", "-1"], "`rate` must be positive"),
        (vec!["--executor", "threads"], "unknown executor"),
        (vec!["--resume"], "--out"),
        (vec!["--model", "/nonexistent/model.toml"], "/nonexistent/model.toml"),
    ] {
        let out = xtask().arg("sim").args(["--trials", "1"]).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn writing_to_a_device_leaves_the_device_alone() {
    // `--out /dev/null` must not replace /dev/null with a file (it once did,
    // by writing a file beside it and renaming it over it).
    let out =
        xtask().arg("sim").args(["--trials", "2", "--servers", "1", "--out", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = xtask().arg("gen-data").args(["--rows", "10", "--out", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null is still a device");
    assert!(!std::path::Path::new("/dev/null.journal").exists());
    assert!(!std::path::Path::new("/dev/null.partial").exists());
}

#[test]
fn a_sweep_can_stop_each_run_after_a_number_of_customers() {
    use queue_sim::{Network, RngKind, Stop, simulate};
    for (count, stop) in [
        ("complete", Stop::MaxCustomers(150)),
        ("arrive", Stop::MaxArrivals(150)),
        ("accept", Stop::MaxAccepted(150)),
    ] {
        let out = xtask()
            .args(["sim", "--servers", "1,3", "--trials", "3", "--rng", "ciw", "--executor", "sequential"])
            .args(["--max-customers", "150", "--count", count])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 6);
        for (k, row) in rows.iter().enumerate() {
            let (c, seed) = (if k < 3 { 1 } else { 3 }, k as u64 % 3);
            let direct = simulate(&Network::mmc(0.2, 0.1, c), RngKind::Ciw, seed, stop).unwrap();
            let fields: Vec<&str> = row.split(',').collect();
            assert_eq!(
                fields[..3],
                [c.to_string(), seed.to_string(), direct.records.len().to_string()],
                "{count}"
            );
        }
    }
    // A number of customers and a time are two different stops.
    let out = xtask().args(["sim", "--max-customers", "10", "--max-time", "5"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-time"));
}
