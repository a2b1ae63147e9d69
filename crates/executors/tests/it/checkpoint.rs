//! Checkpoints: a batch killed with SIGKILL part way resumes to the same
//! results as an uninterrupted run, with no task lost or doubled.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use executors::checkpoint::{self, Journal, JournalSpec};
use executors::{ExecError, Executor, Strategy};

const CHILD: &str = "EXECUTORS_CHECKPOINT_CHILD";
const TASKS: u64 = 400;

fn task(x: u64) -> Result<(u64, f64), String> {
    std::thread::sleep(Duration::from_millis(5));
    Ok((x, (x as f64).sqrt()))
}

fn journal(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("executors-{name}-{}.jsonl", std::process::id()))
}

/// The journal of the test batch at `path`.
fn spec(path: &std::path::Path, resume: bool) -> JournalSpec {
    JournalSpec { path: path.to_owned(), resume, run: vec![("--tasks".into(), TASKS.to_string())] }
}

/// A journal's text as a resumable run of the test batch would find it.
fn with_header(entries: &str) -> String {
    format!(
        "{{\"journal\":\"executors-checkpoint\",\"format\":1,\"run\":[[\"--tasks\",\"{TASKS}\"]]}}\n{entries}"
    )
}

/// Run as a child process by the test below: a slow checkpointed batch.
#[test]
fn checkpoint_child() {
    let Ok(path) = std::env::var(CHILD) else { return };
    let exec = Executor::new(Strategy::WorkQueue, 2).unwrap();
    let journal = Journal::open(&spec(PathBuf::from(path).as_path(), false)).unwrap();
    checkpoint::map(&exec, (0..TASKS).collect(), task, &journal).unwrap();
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
    let journaled = std::fs::read_to_string(&path).unwrap().lines().count() - 1;
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
        &Journal::open(&spec(&path, true)).unwrap(),
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
        .skip(1)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["i"].as_u64().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..TASKS).collect::<Vec<_>>());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_torn_last_line_is_dropped_and_redone() {
    let path = journal("torn");
    std::fs::write(&path, with_header("{\"i\":0,\"r\":[0,0.0]}\n{\"i\":2,\"r\":[2,1.414")).unwrap();
    let exec = Executor::sequential();
    let out =
        checkpoint::map(&exec, (0..3).collect(), task, &Journal::open(&spec(&path, true)).unwrap()).unwrap();
    assert_eq!(out, (0..3).map(|x| task(x).unwrap()).collect::<Vec<_>>());
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_corrupt_or_foreign_journal_is_an_error_naming_the_line() {
    let path = journal("corrupt");
    let resume = |path: &std::path::Path| {
        let journal = Journal::open(&spec(path, true))?;
        checkpoint::map(&Executor::sequential(), (0..3).collect(), task, &journal)
    };
    std::fs::write(&path, with_header("{\"i\":0,\"r\":[0,0.0]}\nnot json\n")).unwrap();
    let err = resume(&path).unwrap_err();
    assert!(matches!(&err, ExecError::Checkpoint { .. }) && err.to_string().contains("line 3"), "{err}");
    std::fs::write(&path, with_header("{\"i\":9,\"r\":[9,3.0]}\n")).unwrap();
    let err = resume(&path).unwrap_err();
    assert!(err.to_string().contains("line 2") && err.to_string().contains("task 9"), "{err}");
    std::fs::write(&path, with_header("{\"i\":1,\"r\":[1,1.0]}\n{\"i\":1,\"r\":[1,1.0]}\n")).unwrap();
    let err = resume(&path).unwrap_err();
    assert!(err.to_string().contains("line 3") && err.to_string().contains("twice"), "{err}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_journal_of_another_run_is_refused_naming_the_option() {
    let path = journal("other-run");
    std::fs::write(&path, with_header("{\"i\":0,\"r\":[0,0.0]}\n")).unwrap();
    let other = JournalSpec { run: vec![("--tasks".into(), "4".into())], ..spec(&path, true) };
    let err = Journal::open(&other).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("--tasks {TASKS}")) && text.contains("--tasks 4"), "{text}");
    // An option the journal's run did not have.
    let more = JournalSpec {
        run: vec![("--tasks".into(), TASKS.to_string()), ("--seed".into(), "1".into())],
        ..spec(&path, true)
    };
    let text = Journal::open(&more).unwrap_err().to_string();
    assert!(text.contains("--seed 1") && text.contains("no value"), "{text}");
    // The journal was left as it was.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), with_header("{\"i\":0,\"r\":[0,0.0]}\n"));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn resumed_results_are_checked_against_their_inputs() {
    let path = journal("verify");
    // Task 1's journaled result is for input 7: not this batch's.
    std::fs::write(&path, with_header("{\"i\":0,\"r\":[0,0.0]}\n{\"i\":1,\"r\":[7,2.6]}\n")).unwrap();
    let journal = Journal::open(&spec(&path, true)).unwrap();
    let ran = std::sync::atomic::AtomicBool::new(false);
    let err = checkpoint::map_verified(
        &Executor::sequential(),
        (0..3).collect(),
        |x| {
            ran.store(true, std::sync::atomic::Ordering::Relaxed);
            task(x)
        },
        &journal,
        |x: &u64, r: &(u64, f64)| if r.0 == *x { Ok(()) } else { Err(format!("a result for input {}", r.0)) },
    )
    .unwrap_err();
    assert!(err.to_string().contains("line 3: task 1: a result for input 7"), "{err}");
    assert!(!ran.into_inner(), "nothing runs before the journal is checked");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_that_is_not_a_journal_is_never_emptied() {
    let path = journal("foreign");
    std::fs::write(&path, "the user's notes\n").unwrap();
    for resume in [false, true] {
        let err = Journal::open(&spec(&path, resume)).unwrap_err();
        assert!(err.to_string().contains("not a journal"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the user's notes\n");
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_second_run_on_a_journal_in_use_fails_at_once() {
    let path = journal("locked");
    let first = Journal::open(&spec(&path, false)).unwrap();
    for resume in [false, true] {
        let err = Journal::open(&spec(&path, resume)).unwrap_err();
        assert!(err.to_string().contains("in use"), "{err}");
    }
    // The first run's journal is intact, and free again once it is done.
    let out = checkpoint::map(&Executor::sequential(), (0..2).collect(), task, &first).unwrap();
    assert_eq!(out.len(), 2);
    drop(first);
    let again = Journal::open(&spec(&path, true)).unwrap();
    let out2 = checkpoint::map(
        &Executor::sequential(),
        (0..2).collect(),
        |_| Err::<(u64, f64), _>("not run"),
        &again,
    )
    .unwrap();
    assert_eq!(out, out2);
    again.remove().unwrap();
    assert!(!path.exists());
}

#[test]
fn finished_results_are_never_thrown_away_unasked() {
    let path = journal("keep");
    let entries = "{\"i\":0,\"r\":[0,0.0]}\n";
    std::fs::write(&path, with_header(entries)).unwrap();
    let err = Journal::open(&spec(&path, false)).unwrap_err();
    assert!(err.to_string().contains("holds finished results"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), with_header(entries));
    // A journal with only its header, or a line cut short by a kill, holds
    // nothing finished: afresh empties it.
    for rest in ["", "{\"i\":0,\"r\":[0,0."] {
        std::fs::write(&path, with_header(rest)).unwrap();
        let journal = Journal::open(&spec(&path, false)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), with_header(""));
        journal.remove().unwrap();
    }
}

#[test]
fn a_journal_that_is_a_link_or_not_a_file_is_refused_and_left_alone() {
    let dir = std::env::temp_dir().join(format!("executors-journal-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let user = dir.join("users-file");
    std::fs::write(&user, "").unwrap();
    let link = dir.join("res.csv.journal");
    std::os::unix::fs::symlink(&user, &link).unwrap();
    for resume in [false, true] {
        let err = Journal::open(&spec(&link, resume)).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&user).unwrap(), "", "the user's file is untouched");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let err = Journal::open(&spec(&dir, false)).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_header_of_another_program_or_format_is_not_a_journal() {
    let path = journal("other-format");
    let run = format!("\"run\":[[\"--tasks\",\"{TASKS}\"]]");
    let headers = [
        format!("{{\"journal\":\"someone-else\",\"format\":1,{run}}}\n"),
        format!("{{\"journal\":\"executors-checkpoint\",\"format\":2,{run}}}\n"),
        format!("{{\"journal\":\"someone-else\",\"format\":2,{run}}}\n"),
    ];
    let mut texts: Vec<String> = headers.iter().map(|h| format!("{h}{{\"i\":0,\"r\":[0,0.0]}}\n")).collect();
    // The right header with nothing after it, not even its line end.
    texts.push(format!("{{\"journal\":\"executors-checkpoint\",\"format\":1,{run}}}"));
    for text in texts {
        for resume in [false, true] {
            std::fs::write(&path, &text).unwrap();
            let err = Journal::open(&spec(&path, resume)).unwrap_err();
            assert!(err.to_string().contains("not a journal"), "{text}: {err}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left alone");
        }
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_last_entry_cut_just_before_its_line_end_is_redone_and_the_journal_stays_whole() {
    // The kill came after the entry's text and before its line end: the
    // entry reads as JSON but is no finished line. It is dropped and its
    // task run again, so the next append starts a line of its own.
    let path = journal("cut-before-newline");
    let two = serde_json::to_string(&task(2).unwrap()).unwrap();
    std::fs::write(&path, with_header(&format!("{{\"i\":0,\"r\":[0,0.0]}}\n{{\"i\":2,\"r\":{two}}}")))
        .unwrap();
    let ran = std::sync::Mutex::new(Vec::new());
    let out = checkpoint::map(
        &Executor::sequential(),
        (0..3).collect(),
        |x| {
            ran.lock().unwrap().push(x);
            task(x)
        },
        &Journal::open(&spec(&path, true)).unwrap(),
    )
    .unwrap();
    assert_eq!(out, (0..3).map(|x| task(x).unwrap()).collect::<Vec<_>>());
    assert_eq!(ran.into_inner().unwrap(), [1, 2]);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut seen: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["i"].as_u64().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, [0, 1, 2], "{text}");
    std::fs::remove_file(&path).unwrap();
}
