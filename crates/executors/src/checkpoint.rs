//! Checkpoint and resume for long batches: each finished result is appended
//! to a journal file as it completes; after a crash or a `SIGKILL`, running
//! again with `resume` reads the journal, skips what is done and finishes.
//! The results equal those of an uninterrupted run, none lost or doubled.
//!
//! The journal is JSON lines, `{"i": index, "r": result}`, in completion
//! order. Each line is written with one `write` call as soon as its task
//! ends (so a killed process loses nothing it finished) and the file is
//! synced to disk at most every quarter second and at the end (so a power
//! cut loses at most that much work, which a resume redoes). A line cut
//! short by the kill is dropped on resume.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::ExecError;
use crate::executor::Executor;

const SYNC_EVERY: Duration = Duration::from_millis(250);

#[derive(Serialize, Deserialize)]
struct Entry<R> {
    i: usize,
    r: R,
}

/// Runs `f` on every input as [`Executor::map`] does, journaling results
/// to `path`. With `resume`, results already in the journal are taken from
/// it and their tasks not run again; without, the journal starts empty.
///
/// ```
/// use executors::{Executor, checkpoint};
/// let path = std::env::temp_dir().join(format!("doc-journal-{}.jsonl", std::process::id()));
/// let exec = Executor::sequential();
/// let squares = checkpoint::map(&exec, vec![1u64, 2, 3], |x| Ok::<_, String>(x * x), &path, false)?;
/// // Resuming a finished run runs nothing and gives the same results.
/// let again = checkpoint::map(&exec, vec![1u64, 2, 3], |_| Err::<u64, _>("not run"), &path, true)?;
/// assert_eq!(squares, again);
/// std::fs::remove_file(&path).unwrap();
/// # Ok::<(), executors::ExecError>(())
/// ```
pub fn map<T, R, E, F>(
    exec: &Executor,
    inputs: Vec<T>,
    f: F,
    path: &Path,
    resume: bool,
) -> Result<Vec<R>, ExecError>
where
    T: Send,
    R: Serialize + DeserializeOwned + Send + 'static,
    E: std::fmt::Display,
    F: Fn(T) -> Result<R, E> + Sync,
{
    let (journal, mut done) = Journal::open(path, inputs.len(), resume)?;
    let todo: Vec<(usize, T)> = inputs.into_iter().enumerate().filter(|(i, _)| done[*i].is_none()).collect();
    let todo_indices: Vec<usize> = todo.iter().map(|(i, _)| *i).collect();
    let fresh = exec.map_indexed(todo, |i, x| -> Result<R, String> {
        let r = f(x).map_err(|e| e.to_string())?;
        journal.append(i, &r).map_err(|e| e.to_string())?;
        Ok(r)
    });
    journal.sync()?;
    for (i, r) in todo_indices.into_iter().zip(fresh?) {
        done[i] = Some(r);
    }
    Ok(done.into_iter().map(|r| r.expect("every task done")).collect())
}

/// An open journal, appended to from any thread.
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<(File, Instant)>,
}

impl Journal {
    /// Opens the journal of a batch of `tasks` at `path`: with `resume`,
    /// also the results it holds (by task index); without, empties it.
    pub(crate) fn open<R: DeserializeOwned>(
        path: &Path,
        tasks: usize,
        resume: bool,
    ) -> Result<(Self, Vec<Option<R>>), ExecError> {
        let mut done: Vec<Option<R>> = (0..tasks).map(|_| None).collect();
        if resume && path.exists() {
            read_journal(path, &mut done)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        if !resume {
            file.set_len(0).map_err(|e| io_error(path, e))?;
        }
        Ok((Self { path: path.to_owned(), file: Mutex::new((file, Instant::now())) }, done))
    }

    /// Appends task `i`'s result: one write, synced at most every
    /// [`SYNC_EVERY`].
    pub(crate) fn append<R: Serialize>(&self, i: usize, r: &R) -> Result<(), ExecError> {
        let mut line = serde_json::to_vec(&Entry { i, r }).map_err(|e| ExecError::Checkpoint {
            path: self.path.clone(),
            message: format!("cannot write the result of task {i}: {e}"),
        })?;
        line.push(b'\n');
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, last_sync) = &mut *guard;
        file.write_all(&line).map_err(|e| io_error(&self.path, e))?;
        if last_sync.elapsed() >= SYNC_EVERY {
            file.sync_data().map_err(|e| io_error(&self.path, e))?;
            *last_sync = Instant::now();
        }
        Ok(())
    }

    /// Syncs what was appended to disk.
    pub(crate) fn sync(&self) -> Result<(), ExecError> {
        let guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.sync_data().map_err(|e| io_error(&self.path, e))
    }
}

/// Reads a journal into `done`, dropping (and truncating away) a last line
/// cut short by a kill.
fn read_journal<R: DeserializeOwned>(path: &Path, done: &mut [Option<R>]) -> Result<(), ExecError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = BufReader::new(file);
    let mut good_len: u64 = 0;
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(|e| io_error(path, e))?;
        if read == 0 {
            break;
        }
        number += 1;
        let complete = line.last() == Some(&b'\n');
        match serde_json::from_slice::<Entry<R>>(&line) {
            Ok(entry) if complete => {
                let tasks = done.len();
                let slot = done.get_mut(entry.i).ok_or_else(|| ExecError::Checkpoint {
                    path: path.to_owned(),
                    message: format!(
                        "line {number}: task {} but the batch has {} tasks (a journal of another run?)",
                        entry.i, tasks
                    ),
                })?;
                if slot.is_none() {
                    *slot = Some(entry.r);
                }
                good_len += read as u64;
            }
            // The last line, cut short: the task is simply run again.
            _ if !complete => break,
            Ok(_) => unreachable!("complete lines are handled above"),
            Err(e) => {
                return Err(ExecError::Checkpoint {
                    path: path.to_owned(),
                    message: format!("line {number}: {e}"),
                });
            }
        }
    }
    let file = OpenOptions::new().write(true).open(path).map_err(|e| io_error(path, e))?;
    file.set_len(good_len).map_err(|e| io_error(path, e))?;
    Ok(())
}

fn io_error(path: &Path, e: std::io::Error) -> ExecError {
    ExecError::Checkpoint { path: path.to_owned(), message: e.to_string() }
}
