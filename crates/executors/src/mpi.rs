//! The MPI backend (feature `mpi`): the same program runs on every rank and
//! builds the same task list (SPMD); rank 0 hands out batches of task indices
//! on request (guided self-scheduling: large batches while much is left, down
//! to single tasks at the end, so that workers rarely wait for rank 0, and
//! never more than about a second of work), runs
//! tasks itself between requests, and gathers the results, serialized with
//! bincode, in input order. A failed or panicking task stops the job: rank 0 returns the
//! task's error (and the program exits non-zero); no rank waits forever.
//! [`Mpi::map_checkpointed`] also journals results on rank 0 as they arrive,
//! so that a job killed at its wall-time limit resumes where it stopped,
//! redoing at most the batch each worker held (about a second of work).

use std::fmt::Display;
use std::time::{Duration, Instant};

use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::{Destination, Source};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::checkpoint::Journal;
use crate::error::{ExecError, TaskError};
use crate::executor::run_catching;

/// The tags of one call of [`Mpi::map`] or [`Mpi::map_checkpointed`]: every
/// call (the same sequence on every rank, SPMD) has its own, so that a worker already asking for work
/// of the next call is never mistaken for one finishing this call.
#[derive(Clone, Copy)]
struct Tags {
    result: i32,
    task: i32,
    stop: i32,
}

impl Tags {
    /// The tags of call number `call` (MPI guarantees tags up to 32767).
    fn of(call: u32) -> Self {
        let base = 1 + 3 * (call % 10_000) as i32;
        Self { result: base, task: base + 1, stop: base + 2 }
    }
}

/// A batch handed to a worker holds at most about this much work, judged by
/// rank 0's own task times: a worker reports a batch when it is done, so a
/// kill (a job's wall-time limit) loses at most this much finished work per
/// worker, and the last batches stay balanced.
const BATCH_TIME: Duration = Duration::from_secs(1);

/// A task's outcome on the wire: the index and the result or the error.
type Outcome<R> = (usize, Result<R, TaskError>);

/// Runs batches across the ranks of an MPI job.
///
/// Call [`Mpi::initialize`] once per process, then [`Mpi::map`] (or
/// [`Mpi::map_checkpointed`]) on every rank with the same inputs; rank 0
/// gets `Some(results)`, others `None`. Every rank must make the same calls
/// in the same order.
pub struct Mpi {
    _universe: mpi::environment::Universe,
    world: SimpleCommunicator,
    /// Calls of `map` and `map_checkpointed` so far, the same on every rank.
    calls: std::cell::Cell<u32>,
}

impl std::fmt::Debug for Mpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mpi").field("rank", &self.rank()).field("size", &self.size()).finish()
    }
}

impl Mpi {
    /// Initializes MPI; `None` if it was initialized already.
    pub fn initialize() -> Option<Self> {
        let universe = mpi::initialize()?;
        let world = universe.world();
        Some(Self { _universe: universe, world, calls: std::cell::Cell::new(0) })
    }

    /// This process's rank.
    pub fn rank(&self) -> i32 {
        self.world.rank()
    }

    /// Number of ranks.
    pub fn size(&self) -> i32 {
        self.world.size()
    }

    /// Runs `f` on every input, spread over the ranks; every rank must call
    /// it with the same inputs. Rank 0 returns the results in input order,
    /// the other ranks `None`. Results are bit for bit those of a local run.
    pub fn map<T, R, E, F>(&self, inputs: Vec<T>, f: F) -> Result<Option<Vec<R>>, ExecError>
    where
        R: Serialize + DeserializeOwned,
        E: Display,
        F: Fn(T) -> Result<R, E>,
    {
        self.map_inner(inputs, f, None, |_: &T, _: &R| Ok(()))
    }

    /// [`Mpi::map`] with a journal, as [`crate::checkpoint::map_verified`]
    /// keeps one: rank 0 passes the [`Journal`] it opened (the other ranks
    /// `None`; they never touch it) and appends each result to it as it
    /// arrives. Results already in a resumed journal are checked by `verify`,
    /// taken from it, and only the other tasks are handed out; the results
    /// equal an uninterrupted run's. The journal's format is the local
    /// one's, so a run can resume under either.
    pub fn map_checkpointed<T, R, E, F, V>(
        &self,
        inputs: Vec<T>,
        f: F,
        journal: Option<&Journal>,
        verify: V,
    ) -> Result<Option<Vec<R>>, ExecError>
    where
        R: Serialize + DeserializeOwned,
        E: Display,
        F: Fn(T) -> Result<R, E>,
        V: Fn(&T, &R) -> Result<(), String>,
    {
        self.map_inner(inputs, f, journal, verify)
    }

    fn map_inner<T, R, E, F, V>(
        &self,
        inputs: Vec<T>,
        f: F,
        journal: Option<&Journal>,
        verify: V,
    ) -> Result<Option<Vec<R>>, ExecError>
    where
        R: Serialize + DeserializeOwned,
        E: Display,
        F: Fn(T) -> Result<R, E>,
        V: Fn(&T, &R) -> Result<(), String>,
    {
        let total = inputs.len();
        let tags = Tags::of(self.calls.get());
        self.calls.set(self.calls.get().wrapping_add(1));
        // Rank 0 reads and checks the journal first, and stops the workers
        // when it cannot.
        let done = match journal.filter(|_| self.rank() == 0) {
            Some(journal) => match journal.resumed_verified(&inputs, &verify) {
                Ok(done) => done,
                Err(e) => {
                    self.stop_workers(tags);
                    return Err(e);
                }
            },
            None => (0..total).map(|_| None).collect(),
        };
        let mut inputs: Vec<Option<T>> = inputs.into_iter().map(Some).collect();
        let mut run = |i: usize| -> Result<R, TaskError> {
            let input = inputs[i].take().expect("each task is handed out once");
            run_catching(i, &|| format!("task-{i}"), || f(input))
        };
        if self.rank() != 0 {
            return self.work(tags, &mut run).map(|()| None);
        }
        let journal = journal.filter(|_| self.rank() == 0);
        let results = self.coordinate(done, tags, &mut run, journal);
        let synced = journal.map_or(Ok(()), Journal::sync);
        // A task's failure is the error to report, even if syncing failed too.
        let results = results?;
        synced?;
        Ok(Some(results))
    }

    /// Rank 0: hand out the indices not `done` on request, run tasks in
    /// between, gather (journaling each new result).
    fn coordinate<R>(
        &self,
        done: Vec<Option<R>>,
        tags: Tags,
        run: &mut dyn FnMut(usize) -> Result<R, TaskError>,
        journal: Option<&Journal>,
    ) -> Result<Vec<R>, ExecError>
    where
        R: Serialize + DeserializeOwned,
    {
        let n_workers = (self.size() - 1) as usize;
        let todo: Vec<u64> = (0..done.len()).filter(|&i| done[i].is_none()).map(|i| i as u64).collect();
        let mut gather = Gather { results: done, failure: None, journal, journal_error: None };
        let mut next = 0usize;
        let mut stopped = 0usize;
        // Rank 0's own tasks: how many, and how long they took.
        let (mut own_tasks, mut own_time) = (0u32, Duration::ZERO);
        loop {
            // Answer every request waiting, then run one task here.
            while let Some(status) = self.world.any_process().immediate_probe_with_tag(tags.result) {
                let (bytes, _) =
                    self.world.process_at_rank(status.source_rank()).receive_vec_with_tag::<u8>(tags.result);
                gather.record_all(decode::<Vec<Outcome<R>>>(&bytes)?);
                let worker = self.world.process_at_rank(status.source_rank());
                if next < todo.len() && gather.going() {
                    let guided = ((todo.len() - next) / (4 * self.size() as usize)).clamp(1, 64);
                    // One task until rank 0 has timed one of its own.
                    let timed = match own_tasks {
                        0 => 1,
                        n => (BATCH_TIME.as_secs_f64() * f64::from(n) / own_time.as_secs_f64()) as usize,
                    };
                    let len = guided.min(timed.max(1));
                    worker.send_with_tag(&todo[next..next + len], tags.task);
                    next += len;
                } else {
                    worker.send_with_tag(&[0u64; 0][..], tags.stop);
                    stopped += 1;
                }
            }
            if next < todo.len() && gather.going() {
                let i = todo[next] as usize;
                next += 1;
                let start = Instant::now();
                let out = run(i);
                (own_tasks, own_time) = (own_tasks + 1, own_time + start.elapsed());
                gather.record_all(vec![(i, out)]);
            } else if stopped < n_workers {
                // Nothing left to run here: wait for the workers' last results.
                let (bytes, status) = self.world.any_process().receive_vec_with_tag::<u8>(tags.result);
                gather.record_all(decode::<Vec<Outcome<R>>>(&bytes)?);
                self.world.process_at_rank(status.source_rank()).send_with_tag(&[0u64; 0][..], tags.stop);
                stopped += 1;
            } else {
                break;
            }
        }
        gather.finish()
    }

    /// Rank 0, before any work: answer each worker's first request with stop.
    fn stop_workers(&self, tags: Tags) {
        for _ in 1..self.size() {
            let (_, status) = self.world.any_process().receive_vec_with_tag::<u8>(tags.result);
            self.world.process_at_rank(status.source_rank()).send_with_tag(&[0u64; 0][..], tags.stop);
        }
    }

    /// A worker rank: ask for work with the last results, run, repeat.
    fn work<R: Serialize>(
        &self,
        tags: Tags,
        run: &mut dyn FnMut(usize) -> Result<R, TaskError>,
    ) -> Result<(), ExecError> {
        let root = self.world.process_at_rank(0);
        let mut done: Vec<Outcome<R>> = Vec::new();
        loop {
            root.send_with_tag(&encode(&done)?[..], tags.result);
            done.clear();
            // Rank 0 answers this call's request with this call's task or stop.
            let (indices, status) = root.receive_vec::<u64>();
            if status.tag() == tags.stop {
                return Ok(());
            }
            debug_assert_eq!(status.tag(), tags.task);
            for i in indices {
                let i = i as usize;
                let out = run(i);
                let failed = out.is_err();
                done.push((i, out));
                if failed {
                    break; // report it at once; rank 0 stops the job
                }
            }
        }
    }
}

/// Rank 0's results so far, the first failure, and the journal.
struct Gather<'a, R> {
    results: Vec<Option<R>>,
    /// The failed task of lowest index seen.
    failure: Option<TaskError>,
    journal: Option<&'a Journal>,
    /// The first error writing the journal.
    journal_error: Option<ExecError>,
}

impl<R: Serialize> Gather<'_, R> {
    /// Whether work may still be handed out.
    fn going(&self) -> bool {
        self.failure.is_none() && self.journal_error.is_none()
    }

    fn record_all(&mut self, outcomes: Vec<Outcome<R>>) {
        for (i, out) in outcomes {
            match out {
                Ok(r) => {
                    if let Some(journal) = self.journal
                        && let Err(e) = journal.append(i, &r)
                    {
                        self.journal_error.get_or_insert(e);
                    }
                    self.results[i] = Some(r);
                }
                Err(e) => {
                    if self.failure.as_ref().is_none_or(|f| e.index < f.index) {
                        self.failure = Some(e);
                    }
                }
            }
        }
    }

    fn finish(self) -> Result<Vec<R>, ExecError> {
        if let Some(e) = self.failure {
            return Err(ExecError::Task(e));
        }
        if let Some(e) = self.journal_error {
            return Err(e);
        }
        let missing: Vec<usize> = (0..self.results.len()).filter(|&i| self.results[i].is_none()).collect();
        if !missing.is_empty() {
            return Err(ExecError::WorkerLost { missing });
        }
        Ok(self.results.into_iter().map(|r| r.expect("checked")).collect())
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, ExecError> {
    bincode::serialize(value).map_err(|e| ExecError::Remote(format!("cannot serialize a result: {e}")))
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ExecError> {
    bincode::deserialize(bytes).map_err(|e| ExecError::Remote(format!("cannot deserialize a result: {e}")))
}
