//! Checkpoints: a batch killed with SIGKILL part way resumes to the same
//! results as an uninterrupted run, with no task lost or doubled.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use executors::{ExecError, Executor, Strategy, checkpoint};

const CHILD: &str = "EXECUTORS_CHECKPOINT_CHILD";
const TASKS: u64 = 400;

fn task(x: u64) -> Result<(u64, f64), String> {
    std::thread::sleep(Duration::from_millis(5));
    Ok((x, (x as f64).sqrt()))
}

fn journal(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("executors-{name}-{}.jsonl", std::process::id()))
}

/// Run as a child process by the test below: a slow checkpointed batch.
#[test]
fn checkpoint_child() {
    let Ok(path) = std::env::var(CHILD) else { return };
    let exec = Executor::new(Strategy::WorkQueue, 2).unwrap();
    checkpoint::map(&exec, (0..TASKS).collect(), task, PathBuf::from(path).as_path(), false).unwrap();
}

#[test]
fn a_killed_batch_resumes_to_the_uninterrupted_result() {
    let path = journal("kill");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "checkpoint::checkpoint_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, &path)
        .spawn()
        .unwrap();
    // Wait until some results are journaled, then SIGKILL.
    let start = Instant::now();
    loop {
        let lines = std::fs::read_to_string(&path).map(|s| s.lines().count()).unwrap_or(0);
        if lines >= 40 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the child never wrote its journal");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let journaled = std::fs::read_to_string(&path).unwrap().lines().count();
    assert!(journaled < TASKS as usize, "killed before the end");

    // Resume: only what is missing runs.
    let ran = std::sync::atomic::AtomicU64::new(0);
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let resumed = checkpoint::map(
        &exec,
        (0..TASKS).collect(),
        |x| {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            task(x)
        },
        &path,
        true,
    )
    .unwrap();
    let uninterrupted: Vec<(u64, f64)> = (0..TASKS).map(|x| task(x).unwrap()).collect();
    assert_eq!(resumed, uninterrupted);
    let ran = ran.into_inner();
    assert!(ran <= TASKS - journaled as u64 + 1, "ran {ran} with {journaled} journaled");
    // Every task is in the journal exactly once.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut seen: Vec<u64> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["i"].as_u64().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..TASKS).collect::<Vec<_>>());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_torn_last_line_is_dropped_and_redone() {
    let path = journal("torn");
    std::fs::write(&path, "{\"i\":0,\"r\":[0,0.0]}\n{\"i\":2,\"r\":[2,1.414").unwrap();
    let exec = Executor::sequential();
    let out = checkpoint::map(&exec, (0..3).collect(), task, &path, true).unwrap();
    assert_eq!(out, (0..3).map(|x| task(x).unwrap()).collect::<Vec<_>>());
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_corrupt_or_foreign_journal_is_an_error_naming_the_line() {
    let path = journal("corrupt");
    std::fs::write(&path, "{\"i\":0,\"r\":[0,0.0]}\nnot json\n").unwrap();
    let err = checkpoint::map(&Executor::sequential(), (0..3).collect(), task, &path, true).unwrap_err();
    assert!(matches!(&err, ExecError::Checkpoint { .. }) && err.to_string().contains("line 2"), "{err}");
    std::fs::write(&path, "{\"i\":9,\"r\":[9,3.0]}\n").unwrap();
    let err = checkpoint::map(&Executor::sequential(), (0..3).collect(), task, &path, true).unwrap_err();
    assert!(err.to_string().contains("line 1") && err.to_string().contains("task 9"), "{err}");
    std::fs::remove_file(&path).unwrap();
}
