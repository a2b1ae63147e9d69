//! The MPI backend under `mpirun -np 3` (built with `--features mpi`): the
//! sweep's rows, the dataframe query's means and the array cells' mean, std
//! and C equal the local executors', a panicking task ends the job with a
//! non-zero exit and the task's message, without hanging, and a sweep
//! killed mid-way resumes from its journal to the uninterrupted rows.
#![cfg(feature = "mpi")]

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn spawn_mpirun(args: &[&str]) -> std::process::Child {
    Command::new("mpirun")
        .args(["--allow-run-as-root", "--oversubscribe", "-np", "3", env!("CARGO_BIN_EXE_xtask")])
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mpirun on PATH (apt-get install openmpi-bin)")
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-mpi-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `sweep` with the local pool into `dir/local.csv`, for comparison.
fn pool_sweep(dir: &std::path::Path, sweep: &[&str]) -> std::path::PathBuf {
    let local = dir.join("local.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sim", "--executor", "pool", "--workers", "2", "--out", local.to_str().unwrap()])
        .args(sweep)
        .status()
        .unwrap();
    assert!(status.success());
    local
}

fn mpirun(args: &[&str]) -> Output {
    let mut child = spawn_mpirun(args);
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(120), "the MPI job hangs");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_sweep_under_mpirun_equals_the_local_run() {
    let dir = scratch("sweep");
    let sweep = ["--servers", "1,2,3", "--trials", "40", "--max-time", "5000", "--rng", "ciw"];
    let remote = dir.join("mpi.csv");
    let out =
        mpirun(&[&["sim", "--executor", "mpi", "--out", remote.to_str().unwrap()][..], &sweep[..]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let local = pool_sweep(&dir, &sweep);
    let (remote, local) = (std::fs::read_to_string(remote).unwrap(), std::fs::read_to_string(local).unwrap());
    assert_eq!(remote.lines().count(), 121);
    assert_eq!(remote, local);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn maps_back_to_back_keep_their_messages_apart() {
    // Ranks leave one map at different times and ask for work of the next
    // while others still finish the last; each map must still get exactly
    // its own results (sum of i^2 + round over 0..60).
    let out = mpirun(&["mpi-selftest", "--tasks", "60", "--rounds", "25"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = stdout.lines().collect();
    let want: Vec<String> = (0..25u64).map(|r| format!("3 {}", 70_210 + 60 * r)).collect();
    assert_eq!(got, want);
}

#[test]
fn every_rank_works_and_a_panicking_task_fails_the_job() {
    let out = mpirun(&["mpi-selftest", "--tasks", "1000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Sum of squares of 0..1000, from 3 ranks.
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3 332833500");

    let out = mpirun(&["mpi-selftest", "--tasks", "1000", "--fail-at", "617"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("task 617") && stderr.contains("was told to fail"), "{stderr}");
}

#[test]
fn the_dataframe_query_under_mpirun_equals_the_local_one() {
    let dir = scratch("frame");
    let csv = dir.join("flights.csv");
    chunked_frame::flights::write_synthetic(&mut std::fs::File::create(&csv).unwrap(), 50_000, 3).unwrap();
    let (remote, local) = (dir.join("mpi.json"), dir.join("local.json"));
    let out = mpirun(&[
        "demo",
        "dataframe",
        "--executor",
        "mpi",
        "--csv",
        csv.to_str().unwrap(),
        "--json",
        remote.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "demo",
            "dataframe",
            "--executor",
            "pool",
            "--csv",
            csv.to_str().unwrap(),
            "--json",
            local.to_str().unwrap(),
        ])
        .arg("--drawing")
        .arg(dir.join("drawing"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let read = |p: &std::path::Path| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap()).unwrap()["results"]["dataframe"]
            ["means"]
            .clone()
    };
    let (remote, local) = (read(&remote), read(&local));
    assert_eq!(remote.as_object().map(|m| m.len()), Some(3), "{remote}");
    assert_eq!(remote, local);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_array_reductions_under_mpirun_equal_the_local_ones() {
    let dir = scratch("array");
    let cells = ["--size", "2000", "--chunk", "300", "--seed", "0"];
    let (remote, local) = (dir.join("mpi.json"), dir.join("local.json"));
    let out = mpirun(
        &[&["demo", "array", "--executor", "mpi", "--json", remote.to_str().unwrap()][..], &cells[..]]
            .concat(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("over MPI: 3 ranks") && stdout.contains("49 work units"), "{stdout}");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "array", "--executor", "pool", "--json", local.to_str().unwrap()])
        .args(cells)
        .arg("--drawing")
        .arg(dir.join("graph"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let read = |p: &std::path::Path| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap()).unwrap()["results"]["array"]
            .clone()
    };
    let (remote, local) = (read(&remote), read(&local));
    // The JSON numbers are the shortest decimals that read back to the same
    // f64, so equal text is equal bits.
    for key in ["size", "seed", "mean", "std", "c"] {
        assert!(local[key].is_number(), "{key} in {local}");
        assert_eq!(remote[key].to_string(), local[key].to_string(), "{key}");
    }
    let axis = serde_json::json!([300, 300, 300, 300, 300, 300, 200]);
    assert_eq!(local["chunks"], serde_json::json!([axis.clone(), axis]));
    let c = remote["c"].as_f64().unwrap();
    assert!(c.is_finite() && c != 0.0);
    assert_eq!(remote, local);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_resumed_sweep_takes_journaled_rows_and_runs_the_rest() {
    let dir = scratch("resume");
    let sweep = ["--servers", "1,2,3", "--trials", "20", "--max-time", "100000"];
    let full = dir.join("full.csv");
    let out =
        mpirun(&[&["sim", "--executor", "mpi", "--out", full.to_str().unwrap()][..], &sweep[..]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.join("full.csv.journal").exists(), "the journal goes when the rows are written");

    // A journal holding rows 0, 5 and 17 with marked record counts, and a
    // last line cut short by a kill: resuming must keep the marked rows
    // (not run them again) and run everything else.
    let part = dir.join("part.csv");
    let journal = dir.join("part.csv.journal");
    let full_text = std::fs::read_to_string(&full).unwrap();
    let rows: Vec<&str> = full_text.lines().skip(1).collect();
    // The journal's header, as a run of this sweep writes it: from a local
    // run killed as soon as it has written it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sim", "--executor", "sequential", "--out", part.to_str().unwrap()])
        .args(sweep)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let header = loop {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if let Some(line) = text.lines().next().filter(|_| text.contains('\n')) {
            break line.to_owned();
        }
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before it could be killed");
        assert!(start.elapsed() < Duration::from_secs(60), "no journal");
        std::thread::sleep(Duration::from_millis(1));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let mut lines = header + "\n";
    for i in [0usize, 5, 17] {
        let f: Vec<&str> = rows[i].split(',').collect();
        lines += &format!(
            "{{\"i\":{i},\"r\":{{\"servers\":{},\"seed\":{},\"records\":{},\"mean_wait\":{},\"utilisation\":{}}}}}\n",
            f[0],
            f[1],
            990_000 + i,
            f[3],
            f[4]
        );
    }
    lines += "{\"i\":3,\"r\":{\"serv";
    std::fs::write(&journal, lines).unwrap();
    let out = mpirun(
        &[&["sim", "--executor", "mpi", "--resume", "--out", part.to_str().unwrap()][..], &sweep[..]]
            .concat(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let part_text = std::fs::read_to_string(&part).unwrap();
    let got: Vec<&str> = part_text.lines().skip(1).collect();
    assert_eq!(got.len(), rows.len());
    for (i, (got, want)) in got.iter().zip(&rows).enumerate() {
        if [0, 5, 17].contains(&i) {
            assert!(got.contains(&format!(",{},", 990_000 + i)), "row {i} was run again: {got}");
        } else {
            assert_eq!(got, want, "row {i}");
        }
    }
    assert!(!journal.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_killed_sweep_resumes_to_the_uninterrupted_rows() {
    let dir = scratch("kill");
    let sweep = ["--servers", "1,2,3", "--trials", "100", "--max-time", "100000"];
    let out_path = dir.join("rows.csv");
    let journal = dir.join("rows.csv.journal");
    let args = [&["sim", "--executor", "mpi", "--out", out_path.to_str().unwrap()][..], &sweep[..]].concat();
    let mut child = spawn_mpirun(&args);
    // Kill the ranks (SIGKILL, as a batch system does at a job's time limit)
    // once part of the sweep is journaled. Not through mpirun: it passes a
    // SIGTERM on only after a delay, in which the ranks would finish.
    let start = Instant::now();
    let journaled = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count().saturating_sub(1));
    while journaled() < 30 {
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before it could be killed");
        assert!(start.elapsed() < Duration::from_secs(60), "nothing journaled");
        std::thread::sleep(Duration::from_millis(5));
    }
    let ranks: Vec<String> = std::fs::read_dir(format!("/proc/{}/task", child.id()))
        .unwrap()
        .map(|task| std::fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default())
        .flat_map(|pids| pids.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(!ranks.is_empty(), "mpirun has no child processes");
    let status = Command::new("kill").arg("-KILL").args(&ranks).status().unwrap();
    assert!(status.success());
    let killed = child.wait().unwrap();
    assert!(!killed.success(), "the job was meant to die");
    assert!(!out_path.exists(), "a killed sweep leaves no output");
    let kept = journaled();
    assert!((30..300).contains(&kept), "{kept} rows journaled");
    // Mark the first journaled row: the resumed output must carry the mark,
    // so the row came from the journal and was not run again.
    let text = std::fs::read_to_string(&journal).unwrap();
    let first = text.lines().nth(1).unwrap(); // after the header
    let mut entry: serde_json::Value = serde_json::from_str(first).unwrap();
    let index = entry["i"].as_u64().unwrap() as usize;
    entry["r"]["records"] = 987_654.into();
    std::fs::write(&journal, text.replacen(first, &entry.to_string(), 1)).unwrap();

    let resumed = mpirun(&[&args[..], &["--resume"][..]].concat());
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let local = pool_sweep(&dir, &sweep);
    let (got, want) = (std::fs::read_to_string(&out_path).unwrap(), std::fs::read_to_string(&local).unwrap());
    assert_eq!(got.lines().count(), want.lines().count());
    for (row, (got, want)) in got.lines().skip(1).zip(want.lines().skip(1)).enumerate() {
        if row == index {
            assert!(got.contains(",987654,"), "row {row} was run again: {got}");
        } else {
            assert_eq!(got, want, "row {row}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_journal_that_cannot_be_written_or_resumed_ends_the_job_with_a_message() {
    // The output's directory does not exist: rank 0 cannot open the
    // journal and must release the other ranks rather than leave them waiting.
    let missing = std::env::temp_dir().join(format!("xtask-mpi-no-such-dir-{}", std::process::id()));
    let out_path = missing.join("rows.csv");
    let out = mpirun(&["sim", "--executor", "mpi", "--trials", "5", "--out", out_path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("rows.csv") && stderr.contains("does not exist"), "{stderr}");

    // A device cannot carry a journal: --resume is refused, without a hang.
    let out = mpirun(&["sim", "--executor", "mpi", "--trials", "5", "--resume", "--out", "/dev/null"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("--resume needs --out to be a regular file"), "{stderr}");
}
