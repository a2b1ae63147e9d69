//! Checkpoint and resume for long batches: each finished result is appended
//! to a journal file as it completes; after a crash or a `SIGKILL`, running
//! again with `resume` reads the journal, skips what is done and finishes.
//! The results equal those of an uninterrupted run, none lost or doubled.
//!
//! The journal is JSON lines. The first line is a header that identifies the
//! run which wrote it (`{"journal":"executors-checkpoint","format":1,
//! "run":[[option,value],...]}`); a resume with other values is refused,
//! naming the option that differs. Each further line is `{"i": index, "r":
//! result}`, in completion order, written with one `write` call as soon as
//! its task ends (so a killed process loses nothing it finished); the file
//! is synced to disk at most every quarter second and at the end (so a power
//! cut loses at most that much work, which a resume redoes). A line cut
//! short by the kill is dropped on resume.
//!
//! An open [`Journal`] holds an advisory lock on its file (`flock`), so a
//! second run on the same journal fails at once instead of interleaving
//! with the first; the lock goes with the `Journal` value. A file that is
//! not a journal is never emptied or removed.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::ExecError;
use crate::executor::Executor;

const SYNC_EVERY: Duration = Duration::from_millis(250);
/// The header's `journal` field: what the file is.
const MAGIC: &str = "executors-checkpoint";
/// The header's `format` field: the layout of the lines after it.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry<R> {
    i: usize,
    r: R,
}

#[derive(Serialize, Deserialize)]
struct Header {
    journal: String,
    format: u32,
    run: Vec<(String, String)>,
}

/// Where a journal lives and which run it belongs to.
///
/// `run` lists what determines the results, as (name, value) pairs: a
/// journal written under other values is refused on resume with a message
/// naming the first option that differs. Name them as the user knows them
/// (for a command line, its flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalSpec {
    /// The journal file.
    pub path: PathBuf,
    /// Continue the journal's run instead of starting afresh.
    pub resume: bool,
    /// What identifies the run.
    pub run: Vec<(String, String)>,
}

/// Runs `f` on every input as [`Executor::map`] does, journaling results
/// in `journal`. When the journal was opened to resume, results already in
/// it are taken from it and their tasks not run again.
///
/// ```
/// use executors::{Executor, checkpoint::{self, Journal, JournalSpec}};
/// let path = std::env::temp_dir().join(format!("doc-journal-{}.jsonl", std::process::id()));
/// let exec = Executor::sequential();
/// let run = vec![("--inputs".to_owned(), "1,2,3".to_owned())];
/// let spec = JournalSpec { path: path.clone(), resume: false, run };
/// let squares = checkpoint::map(&exec, vec![1u64, 2, 3], |x| Ok::<_, String>(x * x), &Journal::open(&spec)?)?;
/// // Resuming a finished run runs nothing and gives the same results.
/// let journal = Journal::open(&JournalSpec { resume: true, ..spec })?;
/// let again = checkpoint::map(&exec, vec![1u64, 2, 3], |_| Err::<u64, _>("not run"), &journal)?;
/// assert_eq!(squares, again);
/// journal.remove()?;
/// assert!(!path.exists());
/// # Ok::<(), executors::ExecError>(())
/// ```
pub fn map<T, R, E, F>(exec: &Executor, inputs: Vec<T>, f: F, journal: &Journal) -> Result<Vec<R>, ExecError>
where
    T: Send,
    R: Serialize + DeserializeOwned + Send + 'static,
    E: std::fmt::Display,
    F: Fn(T) -> Result<R, E> + Sync,
{
    map_verified(exec, inputs, f, journal, |_, _| Ok(()))
}

/// [`map`], with every result taken from the journal checked against its
/// input by `verify` first: a journal whose entry does not belong to the
/// input at its index (say, a row for another seed) is refused with the
/// line and `verify`'s message, before any task runs.
pub fn map_verified<T, R, E, F, V>(
    exec: &Executor,
    inputs: Vec<T>,
    f: F,
    journal: &Journal,
    verify: V,
) -> Result<Vec<R>, ExecError>
where
    T: Send,
    R: Serialize + DeserializeOwned + Send + 'static,
    E: std::fmt::Display,
    F: Fn(T) -> Result<R, E> + Sync,
    V: Fn(&T, &R) -> Result<(), String>,
{
    let mut done = journal.resumed_verified(&inputs, &verify)?;
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

/// An open journal: its file, locked against other runs, with its header
/// checked (on resume) or written (afresh). Appended to from any thread.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    resume: bool,
    file: Mutex<(File, Instant)>,
}

impl Journal {
    /// Opens the journal `spec` names and locks it. Afresh, an existing
    /// journal with only its header is emptied, while one holding results
    /// is refused (resume it or delete it: finished work is never thrown
    /// away unasked), and a file that is not a journal, a link or a special
    /// file is refused and left alone; on resume, a journal of another run is
    /// refused, naming the option that differs. A missing file starts a new
    /// journal either way. Fails at once if another run holds the journal.
    pub fn open(spec: &JournalSpec) -> Result<Self, ExecError> {
        let path = spec.path.as_path();
        // Never through a link or into a special file: a journal is a
        // regular file of its own.
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.file_type().is_file() => {
                return Err(error(
                    path,
                    "exists and is not a regular file (a link, directory or device); it was left alone \
                     (move it away, or write elsewhere)"
                        .into(),
                ));
            }
            _ => {}
        }
        let mut file = OpenOptions::new()
            .read(true)
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        if let Err(e) = file.try_lock() {
            return Err(match e {
                std::fs::TryLockError::WouldBlock => error(
                    path,
                    "in use: another run holds this journal (wait for it to finish, or write elsewhere)"
                        .into(),
                ),
                std::fs::TryLockError::Error(e) => io_error(path, e),
            });
        }
        let header = read_header(&mut file, path)?;
        match header {
            Some(Err(())) => {
                return Err(error(
                    path,
                    "exists and is not a journal of this program; it was left alone (move it away, or write elsewhere)"
                        .into(),
                ));
            }
            Some(Ok(h)) if spec.resume => compare_runs(path, &h.run, &spec.run)?,
            Some(Ok(_)) if has_entries(&mut file, path)? => {
                return Err(error(
                    path,
                    "holds finished results of an earlier run: continue it by resuming, \
                     or delete the journal to start afresh"
                        .into(),
                ));
            }
            _ => {
                // Afresh, or nothing to resume: a new journal.
                file.set_len(0).map_err(|e| io_error(path, e))?;
                let header = Header { journal: MAGIC.into(), format: FORMAT, run: spec.run.clone() };
                let mut line = serde_json::to_vec(&header).map_err(|e| error(path, e.to_string()))?;
                line.push(b'\n');
                file.write_all(&line).map_err(|e| io_error(path, e))?;
            }
        }
        Ok(Self { path: path.to_owned(), resume: spec.resume, file: Mutex::new((file, Instant::now())) })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes the journal (its run's output is safely written), then
    /// releases its lock.
    pub fn remove(self) -> Result<(), ExecError> {
        std::fs::remove_file(&self.path).map_err(|e| io_error(&self.path, e))
    }

    /// The results held in the journal for a batch of `inputs`, by task
    /// index, each checked against its input by `verify`; none unless it
    /// was opened to resume. A last line cut short by a kill is dropped
    /// (truncated away).
    pub(crate) fn resumed_verified<T, R: DeserializeOwned>(
        &self,
        inputs: &[T],
        verify: &dyn Fn(&T, &R) -> Result<(), String>,
    ) -> Result<Vec<Option<R>>, ExecError> {
        let mut done: Vec<Option<(usize, R)>> = (0..inputs.len()).map(|_| None).collect();
        if self.resume {
            let guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
            read_entries(&guard.0, &self.path, &mut done)?;
        }
        let mut lines: Vec<(usize, usize)> =
            done.iter().enumerate().filter_map(|(i, d)| d.as_ref().map(|(line, _)| (*line, i))).collect();
        lines.sort_unstable();
        for (line, i) in lines {
            let (_, r) = done[i].as_ref().expect("listed above");
            verify(&inputs[i], r)
                .map_err(|message| self.error(format!("line {line}: task {i}: {message}")))?;
        }
        Ok(done.into_iter().map(|d| d.map(|(_, r)| r)).collect())
    }

    /// Appends task `i`'s result: one write, synced at most every
    /// [`SYNC_EVERY`].
    pub(crate) fn append<R: Serialize>(&self, i: usize, r: &R) -> Result<(), ExecError> {
        let mut line = serde_json::to_vec(&Entry { i, r })
            .map_err(|e| self.error(format!("cannot write the result of task {i}: {e}")))?;
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

    fn error(&self, message: String) -> ExecError {
        error(&self.path, message)
    }
}

/// The header of the file: `None` when it is empty, `Some(Err(()))` when its
/// first line is not a journal header of a known format.
fn read_header(file: &mut File, path: &Path) -> Result<Option<Result<Header, ()>>, ExecError> {
    file.seek(SeekFrom::Start(0)).map_err(|e| io_error(path, e))?;
    let mut line = Vec::new();
    BufReader::new(&*file).read_until(b'\n', &mut line).map_err(|e| io_error(path, e))?;
    if line.is_empty() {
        return Ok(None);
    }
    let header = serde_json::from_slice::<Header>(&line)
        .ok()
        .filter(|h| h.journal == MAGIC && h.format == FORMAT && line.ends_with(b"\n"));
    Ok(Some(header.ok_or(())))
}

/// Whether the journal holds a complete line after its header (a line cut
/// short by a kill is no finished result).
fn has_entries(file: &mut File, path: &Path) -> Result<bool, ExecError> {
    file.seek(SeekFrom::Start(0)).map_err(|e| io_error(path, e))?;
    let mut reader = BufReader::new(&*file);
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(|e| io_error(path, e))?;
    line.clear();
    reader.read_until(b'\n', &mut line).map_err(|e| io_error(path, e))?;
    Ok(line.ends_with(b"\n"))
}

/// Refuses to resume a journal whose run differs from this one.
fn compare_runs(
    path: &Path,
    journal: &[(String, String)],
    this: &[(String, String)],
) -> Result<(), ExecError> {
    let find =
        |list: &[(String, String)], key: &str| list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let keys = this.iter().map(|(k, _)| k).chain(journal.iter().map(|(k, _)| k));
    for key in keys {
        let (was, now) = (find(journal, key), find(this, key));
        if was != now {
            let show = |v: Option<String>| v.map_or_else(|| "no value".to_owned(), |v| format!("{key} {v}"));
            return Err(error(
                path,
                format!(
                    "cannot resume: the journal was written with {}, this run has {}; \
                     resume with the same options, or start afresh without resuming",
                    show(was),
                    show(now)
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the entries after the header into `done`, dropping (and
/// truncating away) a last line cut short by a kill.
fn read_entries<R: DeserializeOwned>(
    file: &File,
    path: &Path,
    done: &mut [Option<(usize, R)>],
) -> Result<(), ExecError> {
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(0)).map_err(|e| io_error(path, e))?;
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
        if number == 1 {
            // The header, checked when the journal was opened.
            good_len += read as u64;
            continue;
        }
        match serde_json::from_slice::<Entry<R>>(&line) {
            Ok(entry) if complete => {
                let tasks = done.len();
                let slot = done.get_mut(entry.i).ok_or_else(|| {
                    error(path, format!("line {number}: task {} but the batch has {tasks} tasks", entry.i))
                })?;
                if slot.is_some() {
                    return Err(error(path, format!("line {number}: task {} appears twice", entry.i)));
                }
                *slot = Some((number, entry.r));
                good_len += read as u64;
            }
            // The last line, cut short: the task is simply run again.
            _ if !complete => break,
            Ok(_) => unreachable!("complete lines are handled above"),
            Err(e) => return Err(error(path, format!("line {number}: {e}"))),
        }
    }
    file.set_len(good_len).map_err(|e| io_error(path, e))
}

fn error(path: &Path, message: String) -> ExecError {
    ExecError::Checkpoint { path: path.to_owned(), message }
}

fn io_error(path: &Path, e: std::io::Error) -> ExecError {
    error(path, e.to_string())
}
